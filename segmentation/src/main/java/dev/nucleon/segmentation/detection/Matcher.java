package dev.nucleon.segmentation.detection;

import java.util.Arrays;

/**
 * Assigns each prediction (an anchor or a proposal) to the ground-truth box it overlaps most, torchvision's
 * {@code det_utils.Matcher}. With the IoU matrix q (G ground-truth boxes × P predictions):
 * <pre>
 *   matches[p] = argmax_g q[g, p]              (ties: the lowest g)
 *   matches[p] = BELOW_LOW_THRESHOLD  (−1)     where max_g q[g, p] &lt; low
 *   matches[p] = BETWEEN_THRESHOLDS   (−2)     where low ≤ max_g q[g, p] &lt; high
 * </pre>
 * With {@code allowLowQualityMatches} (the RPN's rule of Ren et al.), every prediction that reaches some box's
 * highest IoU, q[g, p] = max_p' q[g, p'], gets back its argmax match even below the thresholds — so each
 * ground-truth box has at least one positive anchor. The RPN uses (high 0.7, low 0.3, allow), the RoI heads (0.5,
 * 0.5, no). With no ground-truth box every prediction is {@link #BELOW_LOW_THRESHOLD} (background).
 */
public final class Matcher {

    /** A prediction whose best IoU is below the low threshold: background. */
    public static final int BELOW_LOW_THRESHOLD = -1;
    /** A prediction whose best IoU is between the thresholds: ignored by the loss. */
    public static final int BETWEEN_THRESHOLDS = -2;

    private final float high;
    private final float low;
    private final boolean allowLowQualityMatches;

    /**
     * A matcher.
     *
     * @param high                   IoU from which a match is a foreground match
     * @param low                    IoU below which a prediction is background, ≤ high
     * @param allowLowQualityMatches whether each ground-truth box keeps its best predictions as matches
     * @throws IllegalArgumentException when low &gt; high
     */
    public Matcher(float high, float low, boolean allowLowQualityMatches) {
        if (!(low <= high)) {
            throw new IllegalArgumentException("matcher: low threshold " + low + " must be <= high threshold " + high);
        }
        this.high = high;
        this.low = low;
        this.allowLowQualityMatches = allowLowQualityMatches;
    }

    /**
     * {@return per prediction, the index of its ground-truth box, or {@link #BELOW_LOW_THRESHOLD} or
     * {@link #BETWEEN_THRESHOLDS}}
     *
     * @param iou         the (G, P) IoU matrix, row-major (e.g. {@code Boxes.iou(gt, anchors).toArray()})
     * @param groundTruth G
     * @param predictions P
     * @throws IllegalArgumentException when iou has not G·P values
     */
    public int[] match(float[] iou, int groundTruth, int predictions) {
        if (iou.length != groundTruth * predictions) {
            throw new IllegalArgumentException("matcher: " + iou.length + " IoU values for " + groundTruth
                    + " ground-truth boxes x " + predictions + " predictions");
        }
        int[] matches = new int[predictions];
        if (groundTruth == 0) {
            Arrays.fill(matches, BELOW_LOW_THRESHOLD);
            return matches;
        }
        int[] argmax = new int[predictions];
        for (int p = 0; p < predictions; p++) {
            float best = iou[p];
            int g0 = 0;
            for (int g = 1; g < groundTruth; g++) {
                if (iou[g * predictions + p] > best) {
                    best = iou[g * predictions + p];
                    g0 = g;
                }
            }
            argmax[p] = g0;
            matches[p] = best < low ? BELOW_LOW_THRESHOLD : best < high ? BETWEEN_THRESHOLDS : g0;
        }
        if (allowLowQualityMatches) {
            for (int g = 0; g < groundTruth; g++) {
                float highest = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < predictions; p++) {
                    highest = Math.max(highest, iou[g * predictions + p]);
                }
                for (int p = 0; p < predictions; p++) {
                    if (iou[g * predictions + p] == highest) {
                        matches[p] = argmax[p];
                    }
                }
            }
        }
        return matches;
    }
}
