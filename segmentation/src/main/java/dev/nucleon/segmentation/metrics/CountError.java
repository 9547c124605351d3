package dev.nucleon.segmentation.metrics;

import java.util.List;

/**
 * Nuclei counting error over a set of images: the mean of (predicted − true) count (bias), the mean
 * absolute error, and the mean relative absolute error |pred − true| / max(true, 1).
 */
public record CountError(double meanSigned, double meanAbsolute, double meanRelative, long truthTotal,
                         long predTotal) {

    /**
     * {@return the counting errors over these images (NaN means and zero totals for none)}
     *
     * @param images the per-image scores, with their true and predicted counts
     */
    public static CountError of(List<ImageScore> images) {
        if (images.isEmpty()) {
            return new CountError(Double.NaN, Double.NaN, Double.NaN, 0, 0);
        }
        double s = 0, a = 0, r = 0;
        long tt = 0, pt = 0;
        for (ImageScore i : images) {
            int e = i.countError();
            s += e;
            a += Math.abs(e);
            r += Math.abs(e) / (double) Math.max(1, i.truthCount());
            tt += i.truthCount();
            pt += i.predCount();
        }
        int n = images.size();
        return new CountError(s / n, a / n, r / n, tt, pt);
    }
}
