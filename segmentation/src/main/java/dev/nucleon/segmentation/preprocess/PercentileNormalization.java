package dev.nucleon.segmentation.preprocess;

import dev.nucleon.segmentation.image.FloatImage;

import java.util.Arrays;

/**
 * Percentile normalisation, as CSBDeep/StarDist's {@code normalize(x, pmin=1, pmax=99.8)}:
 * {@code (x − p_low) / (p_high − p_low + eps)} with eps = 1e-20, optionally clipped to [0, 1]
 * (StarDist's default is not to clip). Percentiles use numpy's default linear interpolation:
 * rank = p/100 · (n − 1) in the sorted samples. Channels are normalised independently (StarDist's
 * {@code axis_norm=(0, 1)}) or jointly.
 */
public final class PercentileNormalization {
    private final double low;
    private final double high;
    private final boolean clip;
    private final boolean perChannel;

    /** StarDist's defaults: 1 and 99.8 percent, no clipping, per channel. */
    public PercentileNormalization() {
        this(1.0, 99.8, false, true);
    }

    /**
     * A normalisation between two percentiles: (v − p_low) / (p_high − p_low).
     *
     * @param lowPercent  the low percentile, 0 ≤ low &lt; high
     * @param highPercent the high percentile, ≤ 100
     * @param clip        whether results are clipped to [0, 1]
     * @param perChannel  percentiles per channel (true) or over all channels
     * @throws IllegalArgumentException when the percentiles are out of order or range
     */
    public PercentileNormalization(double lowPercent, double highPercent, boolean clip, boolean perChannel) {
        if (!(lowPercent >= 0 && lowPercent < highPercent && highPercent <= 100)) {
            throw new IllegalArgumentException("PercentileNormalization: need 0 <= low < high <= 100, got "
                    + lowPercent + ", " + highPercent);
        }
        this.low = lowPercent;
        this.high = highPercent;
        this.clip = clip;
        this.perChannel = perChannel;
    }

    /**
     * {@return the normalised image, a new (C, H, W) image}
     *
     * @param image (C, H, W), not modified
     */
    public FloatImage apply(FloatImage image) {
        float[] d = image.data(), out = new float[d.length];
        int n = image.planeSize(), c = image.channels();
        int groups = perChannel ? c : 1, len = perChannel ? n : d.length;
        for (int g = 0; g < groups; g++) {
            float[] sorted = Arrays.copyOfRange(d, g * len, (g + 1) * len);
            Arrays.sort(sorted);
            double lo = percentile(sorted, low), hi = percentile(sorted, high);
            double scale = 1.0 / (hi - lo + 1e-20);
            for (int i = g * len; i < (g + 1) * len; i++) {
                float v = (float) ((d[i] - lo) * scale);
                out[i] = clip ? Math.max(0f, Math.min(1f, v)) : v;
            }
        }
        return new FloatImage(image.width(), image.height(), c, out);
    }

    /**
     * {@return numpy's linear percentile of sorted data}
     *
     * @param sorted values in ascending order, at least one
     * @param p      the percentile, in [0, 100]
     */
    public static double percentile(float[] sorted, double p) {
        double rank = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(sorted.length - 1, lo + 1);
        double f = rank - lo;
        return sorted[lo] + (sorted[hi] - (double) sorted[lo]) * f;
    }
}
