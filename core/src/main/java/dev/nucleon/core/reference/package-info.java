/**
 * The reference backend: the first thing to read in {@code core}, the specification the fast kernels are
 * tested against, and the template for a new device.
 *
 * <p>{@link dev.nucleon.core.reference.ReferenceBackend} implements only the eight primitives of
 * {@link dev.nucleon.core.backend.Backend}, one short file per family, plain loops with double accumulation:
 * {@link dev.nucleon.core.reference.StridedCopyLoops} (all data movement), {@link dev.nucleon.core.reference.ElementwiseLoops}
 * (map, and zip with broadcasting), {@link dev.nucleon.core.reference.ReductionLoops} (sum and max over axes),
 * {@link dev.nucleon.core.reference.MatmulLoops} (batched matrix product). Every other op runs
 * {@code Backend}'s composed default ({@code dev.nucleon.core.composed}); {@code ReferenceConformanceTest} runs the
 * whole conformance suite on it. {@link dev.nucleon.core.reference.ReferenceConv},
 * {@link dev.nucleon.core.reference.ReferencePool} and {@link dev.nucleon.core.reference.ReferenceBatchNorm} write
 * convolution, pooling and batch norm straight from their definitions, in double: the oracles every backend's
 * kernels are tested against. The guide {@code docs/anatomy-of-conv2d.md} walks from
 * the {@code Conv2d} layer through autograd to these loops and on to the fast CPU kernel.
 */
package dev.nucleon.core.reference;
