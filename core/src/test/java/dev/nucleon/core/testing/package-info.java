/**
 * The backend conformance suite and its tools, shipped in core's test-jar so every backend module reruns it.
 *
 * <ul>
 *   <li>{@link dev.nucleon.core.testing.BackendConformanceSuite}: every op, forward and gradient, plus
 *       behaviour checks. A backend module adds one class:
 *       {@code class CudaConformanceTest extends BackendConformanceSuite { protected Device device() { … } }}.</li>
 *   <li>{@link dev.nucleon.core.testing.OpCheck}: one op against a double-precision reference — forward
 *       values, and gradients against the reference's central finite difference.</li>
 *   <li>{@link dev.nucleon.core.testing.Tolerances}: every tolerance, once, with its reason.</li>
 *   <li>{@code Reference*}: the double-precision references, one class per op family, plain loops written
 *       from each op's definition and independent of the code under test. Those of convolution, pooling and batch
 *       norm live in main code ({@code dev.nucleon.core.reference.ReferenceConv}, {@code ReferencePool},
 *       {@code ReferenceBatchNorm}), beside the reference backend, where students read them first.</li>
 *   <li>{@link dev.nucleon.core.testing.ConformanceReport}: worst errors per family, printed after a run.</li>
 * </ul>
 *
 * <p>Adding an op: write its reference (a function of {@code double[][]} inputs), then one
 * {@code OpCheck.of(family, case).input(...).op(...).reference(...)} per interesting geometry in the suite.
 * Inputs where the op has a kink get {@code awayFrom(...)}; max-like ops get {@code distinct()}; targets and
 * other constants get {@code noGrad()} or {@code integers(k)}.
 */
package dev.nucleon.core.testing;
