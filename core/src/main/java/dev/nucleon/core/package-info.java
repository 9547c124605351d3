/**
 * The tensor engine: a float32 n-dimensional {@link dev.nucleon.core.Tensor} with reverse-mode autograd, and the
 * contract its compute backends implement.
 *
 * <ul>
 *   <li>{@link dev.nucleon.core.Tensor} — contiguous row-major data (NCHW for images) on one
 *       {@link dev.nucleon.core.Device}; every op returns a new tensor; {@code backward()} fills the gradients of
 *       the leaves created with {@code requiresGrad(true)}</li>
 *   <li>{@link dev.nucleon.core.Autograd} — recording on or off per thread ({@code Autograd.noGrad()} scopes for
 *       inference)</li>
 *   <li>{@link dev.nucleon.core.Shape} — shape arithmetic and broadcasting</li>
 *   <li>{@link dev.nucleon.core.Backend}, {@link dev.nucleon.core.Backends}, {@link dev.nucleon.core.Storage} —
 *       where the numbers live and which kernels run on them; {@code dev.nucleon.core.cpu} is the pure-Java
 *       backend every other one is checked against</li>
 *   <li>{@code dev.nucleon.core.ops} — the functional ops, one class per family (as
 *       {@code torch.nn.functional})</li>
 * </ul>
 *
 * <p><b>Threads.</b> A tensor is not synchronised: one thread may write it (assign, accumulate gradients) while
 * no other uses it; any number of threads may read tensors no one writes, e.g. run a model in inference mode
 * under {@code Autograd.noGrad()}. Autograd state (the no-grad depth, an op observer) is per thread.
 */
package dev.nucleon.core;
