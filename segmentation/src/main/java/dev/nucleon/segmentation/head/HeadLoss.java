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
 * <p>
 * {@linkplain #withPixelWeights() With pixel weights} (e.g. {@link SeamWeights}) the target carries one more
 * channel, the weight ω of each pixel, and the cross-entropy term becomes a weighted mean over the N·H·W pixels,
 * <pre>  BCE_ω(p_c, y_c) = (1/NHW) Σ ω · −[y_c ln p_c + (1 − y_c) ln(1 − p_c)],   p clamped to [1e-7, 1 − 1e-7]</pre>
 * (ω ≡ 1 gives the plain loss); the Dice term is unweighted.
 */
public final class HeadLoss implements Loss {
    private final BceLogDiceLoss perChannel = new BceLogDiceLoss();
    private final float[] weights;
    private final boolean pixelWeights;

    /** @param weights one weight per output channel */
    public HeadLoss(float... weights) {
        this(false, weights);
    }

    private HeadLoss(boolean pixelWeights, float... weights) {
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
        this.pixelWeights = pixelWeights;
    }

    /**
     * {@return this loss reading a per-pixel weight of the cross-entropy from the target's last channel}: the target
     * is then (N, C + 1, H, W), C the prediction's channels.
     */
    public HeadLoss withPixelWeights() {
        return new HeadLoss(true, weights);
    }

    /** {@return whether the target's last channel holds per-pixel weights} */
    public boolean pixelWeighted() {
        return pixelWeights;
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
        int c = weights.length, extra = pixelWeights ? 1 : 0;
        int[] s = probabilities.shape(), t = target.shape();
        if (s.length != 4 || s[1] != c || t.length != 4 || t[0] != s[0] || t[1] != c + extra || t[2] != s[2]
                || t[3] != s[3]) {
            throw new IllegalArgumentException("HeadLoss: expected prediction (N, " + c + ", H, W) and target (N, "
                    + (c + extra) + ", H, W), got " + Shape.str(s) + " and " + Shape.str(t));
        }
        Tensor omega = pixelWeights ? target.slice(1, c, c + 1) : null;
        Tensor total = null;
        for (int k = 0; k < c; k++) {
            Tensor p = probabilities.slice(1, k, k + 1), y = target.slice(1, k, k + 1);
            Tensor l = (omega == null ? perChannel.compute(p, y) : perChannel.compute(p, y, omega)).mul(weights[k]);
            total = total == null ? l : total.add(l);
        }
        return total;
    }

    @Override
    public String toString() {
        return "HeadLoss(bce-log-dice per channel, weights=" + Arrays.toString(weights)
                + (pixelWeights ? ", pixel-weighted cross-entropy" : "") + ")";
    }
}
