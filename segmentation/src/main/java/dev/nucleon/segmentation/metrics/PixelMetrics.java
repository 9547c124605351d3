package dev.nucleon.segmentation.metrics;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * Pixel-level confusion counts of a foreground/background segmentation and the metrics papers 001–003
 * report: accuracy = (TP+TN)/all, precision = TP/(TP+FP), recall = TP/(TP+FN),
 * F1 = 2·P·R/(P+R), Jaccard = TP/(TP+FP+FN), Dice = 2TP/(2TP+FP+FN) (equal to F1).
 *
 * <p>Convention for 0/0: a ratio whose denominator is empty is 1 when nothing was missed or invented
 * (e.g. precision with no predicted foreground is 1 if there is no true foreground either, else 0).
 * Counts add up over images ({@link #plus}), giving the dataset's micro-averaged metrics.
 */
public record PixelMetrics(long tp, long fp, long fn, long tn) {

    /** No pixel: the start of a sum over images. */
    public static final PixelMetrics ZERO = new PixelMetrics(0, 0, 0, 0);

    /**
     * {@return confusion of prediction vs truth foreground (label &gt; 0)}
     *
     * @param truth      true instances (or classes)
     * @param prediction predicted instances, same size
     * @throws IllegalArgumentException when the sizes differ
     */
    public static PixelMetrics of(LabelImage truth, LabelImage prediction) {
        if (truth.width() != prediction.width() || truth.height() != prediction.height()) {
            throw new IllegalArgumentException("PixelMetrics: truth is " + truth.width() + "x" + truth.height()
                    + ", prediction " + prediction.width() + "x" + prediction.height());
        }
        int[] t = truth.data(), p = prediction.data();
        long tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0; i < t.length; i++) {
            boolean a = t[i] > 0, b = p[i] > 0;
            if (a && b) {
                tp++;
            } else if (b) {
                fp++;
            } else if (a) {
                fn++;
            } else {
                tn++;
            }
        }
        return new PixelMetrics(tp, fp, fn, tn);
    }

    /**
     * {@return confusion of two binary masks}
     *
     * @param truth      true foreground
     * @param prediction predicted foreground, same size
     */
    public static PixelMetrics of(BinaryMask truth, BinaryMask prediction) {
        return of(truth.toLabels(), prediction.toLabels());
    }

    /**
     * {@return the counts of both summed (micro-averaging over images)}
     *
     * @param o the other counts
     */
    public PixelMetrics plus(PixelMetrics o) {
        return new PixelMetrics(tp + o.tp, fp + o.fp, fn + o.fn, tn + o.tn);
    }

    /** {@return every pixel counted: TP + FP + FN + TN} */
    public long total() {
        return tp + fp + fn + tn;
    }

    /** {@return (TP + TN) / total; 1 with no pixel} */
    public double accuracy() {
        return total() == 0 ? 1.0 : (tp + tn) / (double) total();
    }

    /** {@return TP / (TP + FP), in [0, 1]} */
    public double precision() {
        return ratio(tp, tp + fp, fn == 0);
    }

    /** {@return TP / (TP + FN), in [0, 1]} */
    public double recall() {
        return ratio(tp, tp + fn, fp == 0);
    }

    /** {@return the F1 score, 2·TP / (2·TP + FP + FN), which for pixels equals {@link #dice()}} */
    public double f1() {
        return dice();
    }

    /** {@return the foreground IoU, TP / (TP + FP + FN); 1 when both are empty} */
    public double jaccard() {
        return ratio(tp, tp + fp + fn, true);
    }

    /** {@return 2·TP / (2·TP + FP + FN); 1 when both are empty} */
    public double dice() {
        return ratio(2 * tp, 2 * tp + fp + fn, true);
    }

    private static double ratio(long num, long den, boolean perfectWhenEmpty) {
        if (den == 0) {
            return perfectWhenEmpty ? 1.0 : 0.0;
        }
        return num / (double) den;
    }
}
