package dev.nucleon.segmentation.head;

import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.loss.Loss;
import dev.nucleon.segmentation.loss.BceLogDiceLoss;

import java.util.Arrays;

/**
 * The loss of a multi-channel head on probabilities (N, C, H, W): paper 004's BCE − log Dice
 * ({@link BceLogDiceLoss}) on each channel, weighted and summed,
 * <pre>  L = Σ_c w_c · (BCE(p_c, y_c) − mean_n log D(p_{n,c}, y_{n,c}))</pre>
 * so that the nucleus channel and the separating channel (contour, or normalised distance as a soft target in
 * [0, 1]) are both learned as masks; Dice keeps the thin contour channel from collapsing to 0.
 */
public final class HeadLoss implements Loss {
    private final Loss perChannel = new BceLogDiceLoss();
    private final float[] weights;

    /** @param weights one weight per output channel */
    public HeadLoss(float... weights) {
        if (weights.length == 0) {
            throw new IllegalArgumentException("HeadLoss: need at least one channel weight");
        }
        for (float w : weights) {
            if (!(w >= 0) || Float.isInfinite(w)) {
                throw new IllegalArgumentException("HeadLoss: weights must be finite and >= 0, got "
                        + Arrays.toString(weights));
            }
        }
        this.weights = weights.clone();
    }

    /**
     * {@return the loss with weight 1 on every channel of {@code head}}
     *
     * @param head the head whose channels are weighted
     */
    public static HeadLoss of(Head head) {
        float[] w = new float[head.channels()];
        Arrays.fill(w, 1f);
        return new HeadLoss(w);
    }

    @Override
    public Tensor compute(Tensor probabilities, Tensor target) {
        if (probabilities.rank() != 4 || probabilities.shape()[1] != weights.length
                || !Arrays.equals(probabilities.shape(), target.shape())) {
            throw new IllegalArgumentException("HeadLoss: expected prediction and target (N, " + weights.length
                    + ", H, W), got " + Shape.str(probabilities.shape()) + " and " + Shape.str(target.shape()));
        }
        Tensor total = null;
        for (int c = 0; c < weights.length; c++) {
            Tensor l = perChannel.compute(probabilities.slice(1, c, c + 1), target.slice(1, c, c + 1)).mul(weights[c]);
            total = total == null ? l : total.add(l);
        }
        return total;
    }

    @Override
    public String toString() {
        return "HeadLoss(bce-log-dice per channel, weights=" + Arrays.toString(weights) + ")";
    }
}
