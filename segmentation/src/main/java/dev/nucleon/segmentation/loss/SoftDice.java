package dev.nucleon.segmentation.loss;

import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;

import java.util.Arrays;

/**
 * The soft Dice coefficient of probabilities p and targets y (Milletari et al. 2016, on probabilities rather
 * than thresholded masks, so it is differentiable):
 * <pre>  D = (2·Σ p·y + s) / (Σ p + Σ y + s)</pre>
 * with a smoothing term s (default {@value #DEFAULT_SMOOTH}, the Keras kernels' {@code smooth = 1}) that keeps
 * D defined, and equal to 1, when both are empty. D ∈ (0, 1]; 1 when p = y ∈ {0, 1}.
 *
 * <p>Over the batch ({@link #batch}: one sum over every element, as paper 003's Keras BCE-Dice loss) or per
 * sample ({@link #perSample}: sums over all axes but the first, giving one D per sample, as paper 004's
 * mean over samples of −log D).
 */
public final class SoftDice {

    /** The smoothing term the papers' Keras code uses. */
    public static final float DEFAULT_SMOOTH = 1f;

    private SoftDice() {
    }

    /**
     * The soft Dice coefficient over the whole batch: one sum over every element.
     *
     * @param p      probabilities, any shape
     * @param target the same shape, values in [0, 1]
     * @param smooth the smoothing term s ≥ 0 ({@value #DEFAULT_SMOOTH} in the papers)
     * @return D over all elements, rank 0
     */
    public static Tensor batch(Tensor p, Tensor target, float smooth) {
        requireSameShape(p, target);
        Tensor intersection = p.mul(target).sum();
        return intersection.mul(2f).add(smooth).div(p.sum().add(target.sum()).add(smooth));
    }

    /**
     * The soft Dice coefficient of each sample: sums over every axis but the first.
     *
     * @param p      probabilities (N, …)
     * @param target the same shape, values in [0, 1]
     * @param smooth the smoothing term s ≥ 0 ({@value #DEFAULT_SMOOTH} in the papers)
     * @return D of each sample, shape (N)
     */
    public static Tensor perSample(Tensor p, Tensor target, float smooth) {
        requireSameShape(p, target);
        if (p.rank() < 2) {
            throw new IllegalArgumentException("soft dice: per-sample Dice needs (N, …) inputs, got " + Shape.str(p.shape()));
        }
        int[] axes = new int[p.rank() - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        Tensor intersection = p.mul(target).sum(axes, false);
        Tensor sums = p.sum(axes, false).add(target.sum(axes, false));
        return intersection.mul(2f).add(smooth).div(sums.add(smooth));
    }

    static void requireSameShape(Tensor p, Tensor target) {
        if (!Arrays.equals(p.shape(), target.shape())) {
            throw new IllegalArgumentException("soft dice: prediction " + Shape.str(p.shape()) + " and target "
                    + Shape.str(target.shape()) + " must have the same shape");
        }
    }

    static void requireSmooth(float smooth) {
        if (!(smooth >= 0) || Float.isInfinite(smooth)) {
            throw new IllegalArgumentException("soft dice: smoothing must be a finite value >= 0, got " + smooth);
        }
    }
}
