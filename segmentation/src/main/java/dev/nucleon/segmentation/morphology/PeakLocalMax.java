package dev.nucleon.segmentation.morphology;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.util.ArrayList;
import java.util.List;

/**
 * Local peaks, as scikit-image's {@code feature.peak_local_max}: a pixel is a candidate where it equals
 * the maximum of its (2·minDistance+1)² neighbourhood and exceeds {@code thresholdAbs}; candidates within
 * {@code excludeBorder} pixels of the edge are dropped; then, in order of decreasing value (ties in
 * raster order), a candidate is kept only if no kept peak lies within Chebyshev distance
 * {@code minDistance}.
 */
public final class PeakLocalMax {
    private PeakLocalMax() {
    }

    /**
     * The peaks of an image, see the class comment.
     *
     * @param image         (1, H, W), channel 0 used
     * @param minDistance   neighbourhood radius and least Chebyshev distance between kept peaks, pixels, ≥ 1
     * @param thresholdAbs  a peak must exceed this value
     * @param excludeBorder peaks within this many pixels of the edge are dropped, ≥ 0
     * @return peak pixel indices ({@code y * width + x}) in order of decreasing value
     * @throws IllegalArgumentException when {@code minDistance} &lt; 1
     */
    public static int[] find(FloatImage image, int minDistance, float thresholdAbs, int excludeBorder) {
        if (minDistance < 1) {
            throw new IllegalArgumentException("PeakLocalMax: minDistance must be >= 1, got " + minDistance);
        }
        int w = image.width(), h = image.height();
        float[] f = image.data();
        float[] rowMax = slidingMax(f, w, h, minDistance, true);
        float[] max = slidingMax(rowMax, w, h, minDistance, false);
        List<Integer> cand = new ArrayList<>();
        for (int y = excludeBorder; y < h - excludeBorder; y++) {
            for (int x = excludeBorder; x < w - excludeBorder; x++) {
                int i = y * w + x;
                if (f[i] == max[i] && f[i] > thresholdAbs) {
                    cand.add(i);
                }
            }
        }
        cand.sort((a, b) -> {
            int c = Float.compare(f[b], f[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        boolean[] taken = new boolean[w * h];
        int[] keep = new int[cand.size()];
        int n = 0;
        for (int i : cand) {
            int x = i % w, y = i / w;
            boolean free = true;
            for (int yy = Math.max(0, y - minDistance); yy <= Math.min(h - 1, y + minDistance) && free; yy++) {
                for (int xx = Math.max(0, x - minDistance); xx <= Math.min(w - 1, x + minDistance); xx++) {
                    if (taken[yy * w + xx]) {
                        free = false;
                        break;
                    }
                }
            }
            if (free) {
                taken[i] = true;
                keep[n++] = i;
            }
        }
        return java.util.Arrays.copyOf(keep, n);
    }

    /**
     * {@return markers: one single-pixel marker per peak, numbered 1..N by decreasing value}
     *
     * @param image        (1, H, W), channel 0 used (e.g. a distance transform)
     * @param minDistance  least Chebyshev distance between peaks, pixels, ≥ 1
     * @param thresholdAbs a peak must exceed this value
     */
    public static LabelImage markers(FloatImage image, int minDistance, float thresholdAbs) {
        int[] peaks = find(image, minDistance, thresholdAbs, 0);
        int[] out = new int[image.planeSize()];
        for (int k = 0; k < peaks.length; k++) {
            out[peaks[k]] = k + 1;
        }
        return new LabelImage(image.width(), image.height(), out);
    }

    /** Running maximum over a window of radius r along rows or columns, edges clamped ('nearest'). */
    private static float[] slidingMax(float[] f, int w, int h, int r, boolean alongRows) {
        float[] out = new float[f.length];
        int len = alongRows ? w : h, lines = alongRows ? h : w;
        int step = alongRows ? 1 : w;
        float[] line = new float[len];
        int[] dq = new int[len];
        for (int l = 0; l < lines; l++) {
            int base = alongRows ? l * w : l;
            for (int i = 0; i < len; i++) {
                line[i] = f[base + i * step];
            }
            // monotone deque over indices [i - r, i + r]
            int head = 0, tail = 0, next = 0;
            for (int i = 0; i < len; i++) {
                int hi = Math.min(len - 1, i + r);
                while (next <= hi) {
                    while (tail > head && line[dq[tail - 1]] <= line[next]) {
                        tail--;
                    }
                    dq[tail++] = next++;
                }
                while (dq[head] < i - r) {
                    head++;
                }
                out[base + i * step] = line[dq[head]];
            }
        }
        return out;
    }
}
