package dev.nucleon.segmentation.loss;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.loss.Loss;

/**
 * Soft Dice loss, {@code 1 − D} ({@link SoftDice}) on probabilities: over the whole batch by default, or the
 * mean over samples of {@code 1 − D_i}. Prediction and target have the same shape, e.g. (N, 1, H, W).
 */
public final class DiceLoss implements Loss {

    private final float smooth;
    private final boolean perSample;

    /** Batch Dice with smoothing 1. */
    public DiceLoss() {
        this(SoftDice.DEFAULT_SMOOTH, false);
    }

    /**
     * @param smooth    the smoothing term s of D = (2Σpy + s)/(Σp + Σy + s)
     * @param perSample mean over samples of 1 − D_i instead of 1 − D of the batch
     */
    public DiceLoss(float smooth, boolean perSample) {
        SoftDice.requireSmooth(smooth);
        this.smooth = smooth;
        this.perSample = perSample;
    }

    @Override
    public Tensor compute(Tensor probabilities, Tensor target) {
        Tensor d = perSample ? SoftDice.perSample(probabilities, target, smooth).mean()
                : SoftDice.batch(probabilities, target, smooth);
        return d.neg().add(1f);
    }

    @Override
    public String toString() {
        return "DiceLoss(smooth=" + smooth + (perSample ? ", per sample" : "") + ")";
    }
}
