package dev.nucleon.segmentation.instance;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-nucleus measurements of a label map (CellProfiler's MeasureObjectSizeShape / scikit-image's
 * {@code regionprops}), see {@link NucleusMeasurement}.
 *
 * <p>Perimeter estimator: scikit-image's {@code measure.perimeter(neighborhood=4)}, which
 * {@code regionprops} uses. Boundary pixels are the object pixels removed by an erosion with the
 * 4-neighbour cross (the outside of the object counts as background). Each boundary pixel is classified by
 * the boundary pixels around it — code = 1 + 2·(edge neighbours on the boundary) + 10·(corner neighbours
 * on the boundary) — and contributes 1 (codes 5, 7, 15, 17, 25, 27: straight runs), √2 (21, 33:
 * diagonal runs) or (1+√2)/2 (13, 23: corners); other codes contribute 0. A disk of radius r measures
 * close to 2πr; a single pixel measures 0.
 */
public final class RegionMeasurements {
    private static final double[] WEIGHTS = new double[50];

    static {
        for (int c : new int[] {5, 7, 15, 17, 25, 27}) {
            WEIGHTS[c] = 1.0;
        }
        WEIGHTS[21] = Math.sqrt(2.0);
        WEIGHTS[33] = Math.sqrt(2.0);
        WEIGHTS[13] = (1.0 + Math.sqrt(2.0)) / 2.0;
        WEIGHTS[23] = (1.0 + Math.sqrt(2.0)) / 2.0;
    }

    private RegionMeasurements() {
    }

    /**
     * @param labels instance labels
     * @param intensity (1, H, W) image for mean/max intensity, or null
     * @return one measurement per present label, in increasing label order
     */
    public static List<NucleusMeasurement> measure(LabelImage labels, FloatImage intensity) {
        int w = labels.width(), h = labels.height(), max = labels.maxLabel();
        if (intensity != null && (intensity.width() != w || intensity.height() != h)) {
            throw new IllegalArgumentException("RegionMeasurements: labels are " + w + "x" + h
                    + ", intensity image " + intensity.width() + "x" + intensity.height());
        }
        int[] l = labels.data();
        float[] in = intensity == null ? null : intensity.data();
        int[] area = new int[max + 1];
        long[] sx = new long[max + 1], sy = new long[max + 1];
        int[] x0 = new int[max + 1], y0 = new int[max + 1], x1 = new int[max + 1], y1 = new int[max + 1];
        double[] sum = new double[max + 1];
        float[] mx = new float[max + 1];
        java.util.Arrays.fill(x0, Integer.MAX_VALUE);
        java.util.Arrays.fill(y0, Integer.MAX_VALUE);
        java.util.Arrays.fill(mx, Float.NEGATIVE_INFINITY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x, k = l[i];
                if (k <= 0) {
                    continue;
                }
                area[k]++;
                sx[k] += x;
                sy[k] += y;
                if (x < x0[k]) {
                    x0[k] = x;
                }
                if (y < y0[k]) {
                    y0[k] = y;
                }
                if (x + 1 > x1[k]) {
                    x1[k] = x + 1;
                }
                if (y + 1 > y1[k]) {
                    y1[k] = y + 1;
                }
                if (in != null) {
                    sum[k] += in[i];
                    if (in[i] > mx[k]) {
                        mx[k] = in[i];
                    }
                }
            }
        }
        List<NucleusMeasurement> out = new ArrayList<>();
        for (int k = 1; k <= max; k++) {
            if (area[k] == 0) {
                continue;
            }
            double a = area[k];
            double p = perimeter(l, w, k, x0[k], y0[k], x1[k], y1[k]);
            out.add(new NucleusMeasurement(k, area[k], sx[k] / a, sy[k] / a, x0[k], y0[k], x1[k], y1[k],
                    Math.sqrt(4.0 * a / Math.PI), p, p > 0 ? 4.0 * Math.PI * a / (p * p) : Double.NaN,
                    in == null ? Double.NaN : sum[k] / a, in == null ? Double.NaN : mx[k]));
        }
        return out;
    }

    /** The scikit-image perimeter of label k within its bounding box [x0, x1) × [y0, y1). */
    static double perimeter(int[] l, int w, int k, int x0, int y0, int x1, int y1) {
        int bw = x1 - x0 + 2, bh = y1 - y0 + 2; // one pixel of background all around
        boolean[] obj = new boolean[bw * bh];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                obj[(y - y0 + 1) * bw + (x - x0 + 1)] = l[y * w + x] == k;
            }
        }
        boolean[] border = new boolean[bw * bh];
        for (int y = 1; y < bh - 1; y++) {
            for (int x = 1; x < bw - 1; x++) {
                int i = y * bw + x;
                border[i] = obj[i] && !(obj[i - 1] && obj[i + 1] && obj[i - bw] && obj[i + bw]);
            }
        }
        double total = 0;
        for (int y = 1; y < bh - 1; y++) {
            for (int x = 1; x < bw - 1; x++) {
                int i = y * bw + x;
                if (!border[i]) {
                    continue;
                }
                int code = 1;
                code += 2 * ((border[i - 1] ? 1 : 0) + (border[i + 1] ? 1 : 0) + (border[i - bw] ? 1 : 0)
                        + (border[i + bw] ? 1 : 0));
                code += 10 * ((border[i - bw - 1] ? 1 : 0) + (border[i - bw + 1] ? 1 : 0)
                        + (border[i + bw - 1] ? 1 : 0) + (border[i + bw + 1] ? 1 : 0));
                total += WEIGHTS[code];
            }
        }
        return total;
    }
}
