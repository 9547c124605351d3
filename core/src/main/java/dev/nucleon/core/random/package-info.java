/**
 * Random numbers every backend must reproduce bit for bit: {@link dev.nucleon.core.random.SplitMix64}, the one
 * bit mixer of the project, and {@link dev.nucleon.core.random.CounterRandom}, the counter-based generator built
 * on it that specifies the seeded fills ({@code Tensor.uniform}, {@code Tensor.normal}, dropout masks).
 *
 * <p>They live here, not in a backend's package, because they are a specification: the CPU backend calls them,
 * the composed and reference paths call them, and the CUDA kernels in {@code elementwise.cu} repeat them line for
 * line and are checked against them by the conformance suite.
 */
package dev.nucleon.core.random;
