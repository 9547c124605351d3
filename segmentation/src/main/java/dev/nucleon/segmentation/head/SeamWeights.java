package dev.nucleon.segmentation.head;

import dev.nucleon.segmentation.image.LabelImage;

/**
 * Per-pixel loss weights that make the seams between touching nuclei count more — U-Net's weight map
 * (Ronneberger et al. 2015, w(x) = w_c + w_0·exp(−(d_1 + d_2)²/2σ²)) in a cheap band form:
 * <pre>  w(x) = 1 + w_0   where the (2r+1)×(2r+1) window around x holds two different nuclei
 *  w(x) = 1         elsewhere</pre>
 * The band covers both sides of a seam (the rims of the two nuclei) and the background gap between nuclei that
 * almost touch: the few pixels that decide whether two nuclei come out as one. Without it they are a fraction of a
 * percent of a patch, and a network can ignore them at almost no cost in the loss.
 * <p>
 * "Two different nuclei in the window" is computed with separable window maxima of the labels and of their
 * negation (background excluded): the window holds two nuclei exactly when its largest and smallest nonzero labels
 * differ. Cost O(H·W·r).
 */
public final class SeamWeights {
    /** Default half-width r of the window, pixels (a 7×7 window). */
    public static final int DEFAULT_RADIUS = 3;

    private SeamWeights() {
    }

    /**
     * The weight map of a label image.
     *
     * @param labels (H, W) instance labels, 0 background
     * @param radius r ≥ 1, the window's half-width
     * @param weight w_0 ≥ 0, added on the band
     * @return (H, W) weights, 1 or 1 + w_0
     * @throws IllegalArgumentException when {@code radius} &lt; 1 or {@code weight} is negative or not finite
     */
    public static float[] of(LabelImage labels, int radius, float weight) {
        if (radius < 1 || !(weight >= 0) || Float.isInfinite(weight)) {
            throw new IllegalArgumentException("SeamWeights: need radius >= 1 and a finite weight >= 0, got " + radius
                    + ", " + weight);
        }
        int w = labels.width(), h = labels.height(), n = w * h;
        int[] l = labels.data();
        int[] high = new int[n], low = new int[n];
        for (int i = 0; i < n; i++) {
            high[i] = l[i];                            // background 0 never wins a maximum over a nucleus
            low[i] = l[i] == 0 ? Integer.MIN_VALUE : -l[i]; // max of −label = −(smallest nonzero label)
        }
        high = windowMax(windowMax(high, w, h, radius, true), w, h, radius, false);
        low = windowMax(windowMax(low, w, h, radius, true), w, h, radius, false);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            boolean twoNuclei = low[i] != Integer.MIN_VALUE && high[i] != -low[i];
            out[i] = twoNuclei ? 1f + weight : 1f;
        }
        return out;
    }

    /** Maximum over a 1-D window of half-width r along rows ({@code alongX}) or columns, clipped at the edges. */
    private static int[] windowMax(int[] v, int w, int h, int r, boolean alongX) {
        int[] out = new int[v.length];
        int lines = alongX ? h : w, length = alongX ? w : h, step = alongX ? 1 : w;
        for (int line = 0; line < lines; line++) {
            int base = alongX ? line * w : line;
            for (int i = 0; i < length; i++) {
                int m = Integer.MIN_VALUE;
                for (int k = Math.max(0, i - r); k <= Math.min(length - 1, i + r); k++) {
                    m = Math.max(m, v[base + k * step]);
                }
                out[base + i * step] = m;
            }
        }
        return out;
    }
}
