package dev.nucleon.segmentation.loss;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.loss.BinaryCrossEntropy;
import dev.nucleon.nn.loss.Loss;

/**
 * Paper 004's loss (its Eq. 1) on probabilities (N, …):
 * <pre>  L = λ·BCE(p, y) + (1/N) Σ_i −log D(y_i, p_i)</pre>
 * binary cross-entropy over all elements plus the mean over samples of the negative log of each sample's
 * soft Dice coefficient ({@link SoftDice#perSample}, smoothing 1); λ = {@value #PAPER_LAMBDA} in the paper.
 * Every term is ≥ 0, and 0 for a perfect binary prediction.
 */
public final class BceLogDiceLoss implements Loss {

    /** λ_BCE of paper 004. */
    public static final float PAPER_LAMBDA = 1f;

    /** The probability clamp of {@link BinaryCrossEntropy} (Keras' epsilon). */
    private static final float EPSILON = 1e-7f;

    private final Loss bce = new BinaryCrossEntropy();
    private final float lambda;
    private final float smooth;

    /** λ = 1, smoothing 1. */
    public BceLogDiceLoss() {
        this(PAPER_LAMBDA, SoftDice.DEFAULT_SMOOTH);
    }

    /**
     * A loss with other weights.
     *
     * @param lambda λ_BCE, the weight of the cross-entropy term, finite and ≥ 0
     * @param smooth the Dice smoothing term s ≥ 0 ({@link SoftDice})
     */
    public BceLogDiceLoss(float lambda, float smooth) {
        if (!(lambda >= 0) || Float.isInfinite(lambda)) {
            throw new IllegalArgumentException("BceLogDiceLoss: λ must be a finite value >= 0, got " + lambda);
        }
        SoftDice.requireSmooth(smooth);
        this.lambda = lambda;
        this.smooth = smooth;
    }

    @Override
    public Tensor compute(Tensor probabilities, Tensor target) {
        return bce.compute(probabilities, target).mul(lambda).add(negativeLogDice(probabilities, target));
    }

    /**
     * The loss with a per-pixel weight ω on the cross-entropy term (e.g. U-Net's weight map), the Dice term unweighted:
     * <pre>  L = λ·(1/M) Σ ω·−[y ln p + (1 − y) ln(1 − p)] + (1/N) Σ_i −log D(y_i, p_i)</pre>
     * M the number of elements, p clamped to [1e-7, 1 − 1e-7] as in the unweighted loss; ω ≡ 1 gives
     * {@link #compute(Tensor, Tensor)}.
     *
     * @param probabilities p, any shape
     * @param target        y in [0, 1], p's shape
     * @param omega         ω ≥ 0, p's shape (a constant: no gradient)
     * @return the loss, a scalar
     */
    public Tensor compute(Tensor probabilities, Tensor target, Tensor omega) {
        Tensor q = probabilities.clamp(EPSILON, 1f - EPSILON);
        Tensor logLikelihood = target.mul(q.log()).add(target.neg().add(1f).mul(q.neg().add(1f).log()));
        Tensor weightedBce = logLikelihood.mul(omega).mean().neg();
        return weightedBce.mul(lambda).add(negativeLogDice(probabilities, target));
    }

    private Tensor negativeLogDice(Tensor probabilities, Tensor target) {
        return SoftDice.perSample(probabilities, target, smooth).log().mean().neg();
    }

    @Override
    public String toString() {
        return "BceLogDiceLoss(lambda=" + lambda + ", smooth=" + smooth + ")";
    }
}
