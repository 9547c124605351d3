/**
 * The tensor engine as a user and autograd see it: a float32 n-dimensional {@link dev.nucleon.core.Tensor} with
 * reverse-mode autograd. The contract its compute backends implement is {@code dev.nucleon.core.backend}.
 *
 * <ul>
 *   <li>{@link dev.nucleon.core.Tensor} — contiguous row-major data (NCHW for images) on one
 *       {@link dev.nucleon.core.Device}; every op returns a new tensor; {@code backward()} fills the gradients of
 *       the leaves created with {@code requiresGrad(true)}</li>
 *   <li>{@link dev.nucleon.core.Shape} — shape arithmetic and broadcasting</li>
 *   <li>autograd: {@link dev.nucleon.core.Autograd} records each op as a typed {@link dev.nucleon.core.Op} on a
 *       {@link dev.nucleon.core.GradNode} (recording on or off per thread; {@code Autograd.noGrad()} scopes for
 *       inference); {@link dev.nucleon.core.GradientRules} is every op's gradient, one rule per record, in one
 *       file</li>
 *   <li>{@code dev.nucleon.core.ops} — the functional ops, one class per family (as {@code torch.nn.functional}):
 *       each checks its arguments, calls the backend, records its {@code Op}</li>
 *   <li>{@code dev.nucleon.core.backend} — the backend contract and the vocabulary it speaks (op tables,
 *       geometries); {@code dev.nucleon.core.reference} is the plain-loop backend that specifies it,
 *       {@code dev.nucleon.core.cpu} the fast pure-Java one, {@code dev.nucleon.core.composed} the defaults
 *       composed from the primitives</li>
 * </ul>
 *
 * <p><b>Threads.</b> A tensor is not synchronised: one thread may write it (assign, accumulate gradients) while
 * no other uses it; any number of threads may read tensors no one writes, e.g. run a model in inference mode
 * under {@code Autograd.noGrad()}. Autograd state (the no-grad depth, an op observer) is per thread.
 */
package dev.nucleon.core;
