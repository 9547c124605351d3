package dev.nucleon.core.testing;

/**
 * Every numerical tolerance of the conformance suite, stated once, with the reason for its value.
 *
 * <p>A value {@code ours} passes against a reference value {@code ref} when
 * <pre>  |ours − ref| ≤ absolute + relativeToMax · max|ref| + relative · |ref|</pre>
 * where {@code max|ref|} is the largest magnitude in the whole compared tensor. Two relative terms, because
 * float32 error is proportional to the size of the <em>terms</em> that were added up, not to the result: an
 * element that comes out near zero by cancellation (a batch-norm input gradient, a softmax gradient) carries an
 * error of the order of its neighbours' magnitude, which {@code relativeToMax} allows, while large elements are
 * held to {@code relative}. {@code absolute} only matters when a whole tensor is (nearly) zero.
 *
 * <p>Orders of magnitude: float32 has a unit roundoff of 2⁻²⁴ ≈ 6·10⁻⁸. The suite's inputs are float32 values,
 * given exactly (widened to double) to the references, so input rounding does not count against an op; what
 * is left is the op's own float32 arithmetic: a few roundings for elementwise functions, and for sums of K
 * products about √K·2⁻²⁴ typical, K·2⁻²⁴ worst case, relative to the sum of the terms' magnitudes. The suite's
 * shapes keep K ≤ a few hundred. Observed worst errors on the CPU backend are listed next to each value; the
 * limits sit 10–100× above them so that a correct GPU kernel that sums in another order (tree reductions,
 * tiled GEMM) still passes, while a wrong index, a missing term or a swapped operand (errors of order 1)
 * cannot.
 */
public final class Tolerances {

    private Tolerances() {
    }

    /** One tolerance: see the class comment for how the three terms combine. */
    public record Tolerance(String name, double relative, double relativeToMax, double absolute) {

        /** The largest error allowed for reference value {@code ref} in a tensor whose largest magnitude is {@code scale}. */
        public double allowed(double ref, double scale) {
            return absolute + relativeToMax * scale + relative * Math.abs(ref);
        }

        @Override
        public String toString() {
            return name + " (relative " + relative + ", relative to max " + relativeToMax + ", absolute " + absolute + ")";
        }
    }

    /**
     * Our float32 forward output against the double-precision reference. 1e-5 ≈ 170 float32 roundings: enough
     * for the longest sums in the suite (conv/matmul with ≤ 100 products per output, double or float
     * accumulation in any order) and for transcendental functions evaluated in float; 1000× below any
     * indexing mistake. CPU observed: ≤ 4e-7 relative to max, 4 % of this tolerance (softmax of logits near 85, where
     * the float32 spacing is 7.6e-6 and x − log Σ eˣ loses it); ≤ 2e-7 elsewhere (see the suite's printed report).
     */
    public static final Tolerance FORWARD = new Tolerance("forward vs double reference", 1e-5, 1e-5, 1e-7);

    /**
     * Our float32 autograd gradient against the central finite difference of the double reference. The
     * finite difference itself is accurate to ~1e-9 relative (see {@link #FINITE_DIFFERENCE_STEP}), so this
     * measures only our backward pass, which chains two or three float32 computations (e.g. batch norm:
     * statistics, then x̂, then two reductions of gy) where the forward has one; hence 10× the forward
     * tolerance. CPU observed: ≤ 3.2e-6 relative to max, 3 % of this tolerance (cross-entropy on logits near 85,
     * same cause as the forward); ≤ 5e-7 elsewhere.
     */
    public static final Tolerance GRADIENT = new Tolerance("gradient vs finite difference", 1e-4, 1e-4, 1e-7);

    /**
     * An accelerator's result against the CPU backend's for the same float32 inputs (for the GPU modules'
     * own op-by-op checks, in the spirit of llm.c's {@code validate_result}, which uses 1e-5 for fp32).
     * Both sides are float32 with different summation orders, so their difference is bounded by the sum
     * of their errors against the exact result: up to {@link #FORWARD}'s budget each, hence 2×. TF32 or
     * reduced-precision math must be off: TF32 alone (10-bit mantissa) errs by ~5e-4 and would fail this.
     */
    public static final Tolerance CROSS_DEVICE = new Tolerance("device vs cpu", 2e-5, 2e-5, 2e-7);

    /**
     * Seeded random fills against the documented counter-based generator
     * ({@link dev.nucleon.core.random.CounterRandom}). Uniform values are a multiply-add of an exactly
     * representable 24-bit fraction: a backend may fuse it (FMA) and differ in the last bit, hence 2 ulps
     * at |value| ≤ 4. Normal values go through log, sqrt and cos, which a GPU may evaluate in float with its
     * own ulp error (CUDA: ≤ 2–4 ulp each): 1e-5 absolute at |value| ≤ 6.
     */
    public static final double RANDOM_UNIFORM_ABSOLUTE = 1e-6;
    public static final double RANDOM_NORMAL_ABSOLUTE = 1e-5;

    /**
     * Step of the central finite difference on the double reference, relative to max(1, |x|). The truncation
     * error is ~h²·|f'''| ≈ 1e-12 and the cancellation error ~2⁻⁵³·|L|/h ≈ 1e-10·|L|; both far below float32
     * resolution, so a gradient mismatch is ours, not the finite difference's.
     */
    public static final double FINITE_DIFFERENCE_STEP = 1e-6;

    /**
     * Default distance kept between an input value and a kink of the op under test (relu, abs, clamp bounds,
     * leaky relu, elu at 0): the finite difference must not straddle the kink (needs margin ≫ h = 1e-6),
     * and our float32 input must be on the same side of it as the double one (needs margin ≫ 6e-8·|x|).
     * 1e-3 satisfies both by three orders of magnitude while barely changing the input distribution.
     */
    public static final double KINK_MARGIN = 1e-3;

    /**
     * Default smallest gap between values of an input fed to max-like ops (max reduction, max pooling): a tie,
     * or a near-tie closer than the finite-difference step, makes the maximum non-differentiable. Values are
     * drawn from a jittered shuffled grid (see {@link OpCheck#distinct(double)}).
     */
    public static final double TIE_GAP = 1e-3;

    /**
     * Statistical checks (dropout keep fraction, moments of random fills) pass within this many standard errors
     * of the expected value. The draws are seeded, so the checks are deterministic; 5σ (a 1-in-1.7-million
     * chance for a correct generator with another seed) catches a keep probability of p instead of 1 − p, a
     * wrong scale or a biased generator, e.g. a dropout keep fraction off by more than 1.6 % at n = 20 000.
     * (The exact streams are pinned separately, against {@link dev.nucleon.core.random.CounterRandom}.)
     */
    public static final double STATISTICAL_SIGMAS = 5;
}
