package dev.nucleon.segmentation.metrics;

/**
 * The object-level scores of one image.
 *
 * @param id image id
 * @param truthCount number of truth nuclei
 * @param predCount number of predicted nuclei
 * @param thresholds IoU thresholds t (DSB2018: 0.50, 0.55, …, 0.95)
 * @param truePositives TP(t): predicted nuclei matched with IoU &gt; t; FP(t) = predCount − TP(t),
 *     FN(t) = truthCount − TP(t)
 * @param scoreByThreshold TP/(TP+FP+FN) at each t
 * @param score the DSB2018 image score, the mean of {@code scoreByThreshold}
 * @param averageIou the average IoU of this image with one matching threshold (see {@link AverageIou})
 * @param paper004 paper 004's average IoU and precision (its loose false-positive rule), see {@link Paper004Score}
 * @param paper004Regions the same with the truth taken as the connected regions of its foreground
 *     ({@link Paper004Score#ofConnectedRegions}); null when the image was scored from a {@link LabelOverlap} alone
 */
public record ImageScore(String id, int truthCount, int predCount, double[] thresholds, int[] truePositives,
                         double[] scoreByThreshold, double score, double averageIou,
                         Paper004Score paper004, Paper004Score paper004Regions) {

    /**
     * {@return FP_k, the predictions not matched at threshold k}
     *
     * @param k threshold index, 0 ≤ k &lt; thresholds.length
     */
    public int falsePositives(int k) {
        return predCount - truePositives[k];
    }

    /**
     * {@return FN_k, the true nuclei not matched at threshold k}
     *
     * @param k threshold index, 0 ≤ k &lt; thresholds.length
     */
    public int falseNegatives(int k) {
        return truthCount - truePositives[k];
    }

    /** {@return predCount − truthCount: positive when nuclei were over-counted (split), negative when missed/merged} */
    public int countError() {
        return predCount - truthCount;
    }
}
