package dev.nucleon.segmentation.metrics;

import dev.nucleon.segmentation.image.LabelImage;

import java.util.List;

/**
 * The 2018 Data Science Bowl's official score ("mean average precision at different IoU thresholds"),
 * used by papers 000 and 004.
 *
 * <p>Per image and for each threshold t in 0.50, 0.55, …, 0.95: a predicted nucleus is a true positive
 * when its IoU with a truth nucleus is <em>strictly</em> greater than t; score(t) = TP/(TP+FP+FN) with
 * FP = unmatched predictions and FN = unmatched truths. Because t ≥ 0.5, a pair with IoU &gt; t is
 * unique on both sides (two disjoint objects cannot both overlap a third by more than half its union),
 * so no assignment problem arises and TP(t) is simply the number of pairs with IoU &gt; t. The image score
 * is the mean of score(t); the dataset score is the mean of image scores. IoUs come from the
 * intersection histogram of {@link LabelOverlap}, thresholds are compared exactly
 * ({@code t = (50 + 5k) / 100.0}, the double nearest to the decimal).
 *
 * <p>Empty images. Empty prediction with truth: score 0 (TP = 0, FN &gt; 0). Empty truth with predictions:
 * score 0 (FP &gt; 0). <b>Both empty: score 1.</b> TP+FP+FN = 0 makes the formula 0/0; the DSB2018
 * evaluation page does not define it because every scored image of the contest had at least one nucleus
 * (stage-2 decoy images were "Ignored", not scored), so the contest never had to decide. For Kaggle's
 * TGS Salt Identification (2018), scored with the same IoU-swept metric on many empty images, the usual
 * implementation scores an image with no true and no predicted object as a perfect 1. (StarDist's
 * {@code matching} instead divides "safely" and reports 0 for 0/0.) We follow the Kaggle convention and
 * say so: predicting nothing where there is nothing is right.
 */
public final class MeanAveragePrecision {
    private MeanAveragePrecision() {
    }

    /** {@return the contest's thresholds 0.50:0.05:0.95} */
    public static double[] dsb2018Thresholds() {
        double[] t = new double[10];
        for (int k = 0; k < 10; k++) {
            t[k] = (50 + 5 * k) / 100.0;
        }
        return t;
    }

    /**
     * {@return the DSB2018 score of one image with the contest's thresholds}
     *
     * @param id         the image's id, kept in the score
     * @param truth      true instances
     * @param prediction predicted instances, same size
     */
    public static ImageScore score(String id, LabelImage truth, LabelImage prediction) {
        return score(id, truth, prediction, LabelOverlap.of(truth, prediction), dsb2018Thresholds(),
                AverageIou.DEFAULT_THRESHOLD);
    }

    /**
     * As {@link #score(String, LabelOverlap, double[], double)}, with {@link ImageScore#paper004Regions()} too.
     *
     * @param overlap {@code LabelOverlap.of(truth, prediction)}, already computed
     * @param id                  the image's id, kept in the score
     * @param truth               true instances
     * @param prediction          predicted instances, same size
     * @param thresholds          IoU thresholds, each ≥ 0.5
     * @param averageIouThreshold the IoU above which a truth nucleus counts as found for {@link AverageIou}
     * @return the image's scores
     */
    public static ImageScore score(String id, LabelImage truth, LabelImage prediction, LabelOverlap overlap,
                                   double[] thresholds, double averageIouThreshold) {
        ImageScore s = score(id, overlap, thresholds, averageIouThreshold);
        return new ImageScore(s.id(), s.truthCount(), s.predCount(), s.thresholds(), s.truePositives(),
                s.scoreByThreshold(), s.score(), s.averageIou(), s.paper004(),
                Paper004Score.ofConnectedRegions(truth, prediction, thresholds));
    }

    /**
     * @param thresholds IoU thresholds, each ≥ 0.5 (below 0.5 matches are no longer unique)
     * @param averageIouThreshold the IoU above which a truth nucleus counts as found for {@link AverageIou}
     * @param id      the image's id, kept in the score
     * @param overlap the truth/prediction overlap of the image
     * @return the official score, with {@link Paper004Score} at the same thresholds alongside
     */
    public static ImageScore score(String id, LabelOverlap overlap, double[] thresholds, double averageIouThreshold) {
        int nt = overlap.truthCount(), np = overlap.predCount();
        int[] tp = new int[thresholds.length];
        double[] s = new double[thresholds.length];
        for (int k = 0; k < thresholds.length; k++) {
            double t = thresholds[k];
            if (!(t >= 0.5 && t < 1.0)) {
                throw new IllegalArgumentException("MeanAveragePrecision: IoU threshold " + t
                        + " outside [0.5, 1): below 0.5 matches are not unique");
            }
        }
        for (int p = 0; p < overlap.pairCount(); p++) {
            double iou = overlap.iou(p);
            for (int k = 0; k < thresholds.length; k++) {
                if (iou > thresholds[k]) {
                    tp[k]++;
                }
            }
        }
        double sum = 0;
        for (int k = 0; k < thresholds.length; k++) {
            int den = tp[k] + (np - tp[k]) + (nt - tp[k]);
            s[k] = den == 0 ? 1.0 : tp[k] / (double) den;
            sum += s[k];
        }
        return new ImageScore(id, nt, np, thresholds.clone(), tp, s, sum / thresholds.length,
                AverageIou.of(overlap, averageIouThreshold), Paper004Score.of(overlap, thresholds), null);
    }

    /**
     * {@return the dataset score: mean of the image scores (NaN for no image)}
     *
     * @param images the per-image scores
     */
    public static double mean(List<ImageScore> images) {
        double s = 0;
        for (ImageScore i : images) {
            s += i.score();
        }
        return images.isEmpty() ? Double.NaN : s / images.size();
    }

    /**
     * {@return per-threshold dataset scores: for each t, the mean over images of score(t)}
     *
     * @param images the per-image scores, all with the same thresholds
     */
    public static double[] meanByThreshold(List<ImageScore> images) {
        if (images.isEmpty()) {
            return new double[0];
        }
        int n = images.get(0).thresholds().length;
        double[] out = new double[n];
        for (ImageScore i : images) {
            for (int k = 0; k < n; k++) {
                out[k] += i.scoreByThreshold()[k];
            }
        }
        for (int k = 0; k < n; k++) {
            out[k] /= images.size();
        }
        return out;
    }
}
