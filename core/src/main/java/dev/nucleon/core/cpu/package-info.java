/**
 * The CPU backend: float arrays on the Java heap and multi-threaded kernels in plain Java, with Vector API
 * micro-kernels when the JVM runs with {@code --add-modules jdk.incubator.vector}. Users reach it as
 * {@link dev.nucleon.core.Device#CPU} and size its thread pool with {@code -Dnucleon.threads=N}
 * ({@link dev.nucleon.core.cpu.Parallel}; default: every available processor). Its results are checked against
 * the plain loops of {@code dev.nucleon.core.reference}.
 *
 * <ul>
 *   <li>this package: {@link dev.nucleon.core.cpu.CpuBackend} (the contract's methods, each forwarding to a kernel
 *       family), storage and the array pool, the thread pool, the per-thread workspace, and the kernels of the
 *       elementwise, reduction, layout, pooling, batch-norm and optimiser families</li>
 *   <li>{@code dev.nucleon.core.cpu.gemm} — the matrix multiply: a packed, blocked SGEMM with register-tile
 *       micro-kernels (scalar and Vector API) and the inner-product kernels</li>
 *   <li>{@code dev.nucleon.core.cpu.conv} — convolutions: im2col + GEMM, the direct stride-1 path, the sub-pixel
 *       transposed convolution, and which one a geometry takes</li>
 * </ul>
 *
 * <p>The classes of the three packages are public only where another of them needs them; they are internal to the
 * CPU backend, not API.
 */
package dev.nucleon.core.cpu;
