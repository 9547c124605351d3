package dev.nucleon.segmentation.morphology;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * Exact Euclidean distance transform (Felzenszwalb &amp; Huttenlocher 2012, "Distance Transforms of
 * Sampled Functions"): the squared distance is the lower envelope of parabolas, computed with one
 * 1-D pass down every column and one along every row, O(pixels).
 *
 * <p>Semantics follow SciPy's {@code distance_transform_edt}: every foreground pixel gets the Euclidean
 * distance (in pixels, centre to centre) to the nearest background pixel; background pixels get 0;
 * the outside of the image is <em>not</em> background. With no background pixel at all, every distance is
 * {@code +Infinity}.
 *
 * <p>The distance map is what the watershed floods to split touching nuclei
 * ({@link dev.nucleon.segmentation.instance.InstanceSegmentation}), and what a distance head learns to predict
 * ({@code head.Head}).
 */
public final class DistanceTransform {
    private static final double INF = 1e20;

    private DistanceTransform() {
    }

    /**
     * The Euclidean distance transform of a mask.
     *
     * @param mask foreground
     * @return (1, H, W) distances to the nearest background pixel (0 on background)
     */
    public static FloatImage euclidean(BinaryMask mask) {
        int w = mask.width(), h = mask.height();
        double[] f = new double[w * h];
        boolean[] m = mask.data();
        for (int i = 0; i < f.length; i++) {
            f[i] = m[i] ? INF : 0.0;
        }
        squaredInPlace(f, w, h);
        float[] out = new float[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i] >= INF * 0.5 ? Float.POSITIVE_INFINITY : (float) Math.sqrt(f[i]);
        }
        return new FloatImage(w, h, 1, out);
    }

    /**
     * Distance from every labelled pixel to the nearest pixel with a <em>different</em> label (background
     * or another nucleus), so touching nuclei are separated by a valley of zeros; 0 on background.
     * Computed per label on its bounding box grown by one pixel, which is exact (the ring of the grown box
     * is all "other" pixels, and it is closer than anything beyond it).
     *
     * @param labels instance labels
     * @return (1, H, W) distances
     */
    public static FloatImage ofLabels(LabelImage labels) {
        int w = labels.width(), h = labels.height(), max = labels.maxLabel();
        int[] l = labels.data();
        int[] x0 = new int[max + 1], y0 = new int[max + 1], x1 = new int[max + 1], y1 = new int[max + 1];
        java.util.Arrays.fill(x0, Integer.MAX_VALUE);
        java.util.Arrays.fill(y0, Integer.MAX_VALUE);
        java.util.Arrays.fill(x1, -1);
        java.util.Arrays.fill(y1, -1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int k = l[y * w + x];
                if (k > 0) {
                    x0[k] = Math.min(x0[k], x);
                    y0[k] = Math.min(y0[k], y);
                    x1[k] = Math.max(x1[k], x);
                    y1[k] = Math.max(y1[k], y);
                }
            }
        }
        float[] out = new float[w * h];
        for (int k = 1; k <= max; k++) {
            if (x1[k] < 0) {
                continue;
            }
            int bx0 = Math.max(0, x0[k] - 1), by0 = Math.max(0, y0[k] - 1);
            int bx1 = Math.min(w - 1, x1[k] + 1), by1 = Math.min(h - 1, y1[k] + 1);
            int bw = bx1 - bx0 + 1, bh = by1 - by0 + 1;
            double[] f = new double[bw * bh];
            for (int y = 0; y < bh; y++) {
                for (int x = 0; x < bw; x++) {
                    f[y * bw + x] = l[(y + by0) * w + x + bx0] == k ? INF : 0.0;
                }
            }
            squaredInPlace(f, bw, bh);
            for (int y = 0; y < bh; y++) {
                for (int x = 0; x < bw; x++) {
                    int i = (y + by0) * w + x + bx0;
                    if (l[i] == k) {
                        double d = f[y * bw + x];
                        out[i] = d >= INF * 0.5 ? Float.POSITIVE_INFINITY : (float) Math.sqrt(d);
                    }
                }
            }
        }
        return new FloatImage(w, h, 1, out);
    }

    /**
     * Squared Euclidean distance transform of a sampled function, in place: on return
     * {@code f[p] = min_q (|p − q|² + f[q])}. Use 0 for sites and a huge value (1e20) elsewhere.
     *
     * @param f the sampled function, (h, w) row-major; overwritten with the transform
     * @param w the width
     * @param h the height
     */
    public static void squaredInPlace(double[] f, int w, int h) {
        int n = Math.max(w, h);
        double[] line = new double[n], d = new double[n], z = new double[n + 1];
        int[] v = new int[n];
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                line[y] = f[y * w + x];
            }
            envelope(line, h, d, v, z);
            for (int y = 0; y < h; y++) {
                f[y * w + x] = d[y];
            }
        }
        for (int y = 0; y < h; y++) {
            System.arraycopy(f, y * w, line, 0, w);
            envelope(line, w, d, v, z);
            System.arraycopy(d, 0, f, y * w, w);
        }
    }

    /** 1-D lower envelope of the parabolas (q − i)² + f[i], i in [0, n). */
    private static void envelope(double[] f, int n, double[] d, int[] v, double[] z) {
        int k = 0;
        v[0] = 0;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        for (int q = 1; q < n; q++) {
            double fq = f[q] + (double) q * q;
            double s;
            while (true) {
                int vk = v[k];
                s = (fq - (f[vk] + (double) vk * vk)) / (2.0 * q - 2.0 * vk);
                if (s <= z[k] && k > 0) {
                    k--;
                } else {
                    break;
                }
            }
            if (s <= z[k]) {
                // k == 0 and the new parabola is below everywhere: replace it
                v[0] = q;
                z[0] = Double.NEGATIVE_INFINITY;
                z[1] = Double.POSITIVE_INFINITY;
                continue;
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            while (z[k + 1] < q) {
                k++;
            }
            double dq = q - v[k];
            d[q] = dq * dq + f[v[k]];
        }
    }
}
