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
        Tensor logDice = SoftDice.perSample(probabilities, target, smooth).log().mean().neg();
        return bce.compute(probabilities, target).mul(lambda).add(logDice);
    }

    @Override
    public String toString() {
        return "BceLogDiceLoss(lambda=" + lambda + ", smooth=" + smooth + ")";
    }
}
