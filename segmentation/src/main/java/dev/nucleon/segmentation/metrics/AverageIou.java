package dev.nucleon.segmentation.metrics;

import java.util.List;

/**
 * The "average IoU" of paper 004's text read with one matching threshold: every truth nucleus gets the IoU of
 * the predicted nucleus it matches — IoU above the matching threshold (0.5 by default, which makes the match
 * unique) — or 0 when none does; the image's value is the mean over its truth nuclei; the dataset's is the mean ±
 * standard deviation (population, ddof = 0, as numpy's {@code std}) over images.
 *
 * <p>Reading of the paper: it says each truth cell is matched to a prediction whose IoU exceeds "a preset
 * threshold from {T_k}"; this class takes one threshold, by default the lowest, 0.5. Paper 004's own tables
 * are not consistent with that single threshold, so {@code nucleon evaluate --metric paper004} reports
 * {@link Paper004Score#averageIou()} (the mean over all T_k, see there for why) and prints this one beside it
 * as "average IoU (&gt;0.5)". An image without truth nuclei scores 1 when nothing was
 * predicted and 0 otherwise (the same convention as {@link MeanAveragePrecision}).
 */
public final class AverageIou {
    /** Default matching threshold. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    /** Mean and standard deviation over images. */
    public record Summary(double mean, double std, int images) {
    }

    private AverageIou() {
    }

    /**
     * {@return the average IoU of one image}
     *
     * @param overlap   the truth/prediction overlap of the image
     * @param threshold a true nucleus counts as found when its best IoU exceeds this
     */
    public static double of(LabelOverlap overlap, double threshold) {
        int nt = overlap.truthCount();
        if (nt == 0) {
            return overlap.predCount() == 0 ? 1.0 : 0.0;
        }
        double[] best = new double[nt];
        for (int p = 0; p < overlap.pairCount(); p++) {
            double iou = overlap.iou(p);
            int t = overlap.pairTruth(p);
            if (iou > threshold && iou > best[t]) {
                best[t] = iou;
            }
        }
        double s = 0;
        for (double b : best) {
            s += b;
        }
        return s / nt;
    }

    /**
     * {@return mean ± std of the images' average IoU}
     *
     * @param images the per-image scores
     */
    public static Summary summarize(List<ImageScore> images) {
        int n = images.size();
        if (n == 0) {
            return new Summary(Double.NaN, Double.NaN, 0);
        }
        double mean = 0;
        for (ImageScore i : images) {
            mean += i.averageIou();
        }
        mean /= n;
        double var = 0;
        for (ImageScore i : images) {
            var += (i.averageIou() - mean) * (i.averageIou() - mean);
        }
        return new Summary(mean, Math.sqrt(var / n), n);
    }
}
