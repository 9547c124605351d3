package dev.nucleon.segmentation.detection;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Detections → one instance label image, without overlaps (the DSB2018 submission rule: a pixel belongs to at most
 * one nucleus):
 * <ol>
 *   <li>detections of score &lt; {@code minScore} are left out;</li>
 *   <li>each M×M mask probability is resized to its box by bilinear sampling at the pixel centres,
 *       <pre>  u = (x + ½ − x1)·M / (x2 − x1) − ½,   v = (y + ½ − y1)·M / (y2 − y1) − ½   (clamped to the mask)</pre>
 *       and thresholded: the pixel is the nucleus's where p(u, v) ≥ {@code maskThreshold} (0.5);</li>
 *   <li>nuclei are painted in descending score order; a pixel already taken stays with the higher-scoring nucleus;</li>
 *   <li>a nucleus left with fewer than {@code minArea} pixels of its own is dropped (remnants of overlaps, specks);
 *       labels are 1 … n in score order.</li>
 * </ol>
 * {@link #probability} gives the matching per-pixel map: the largest resized mask probability over the kept
 * detections.
 */
public final class MaskPasting {

    /** The mask probability at and above which a pixel belongs to its detection. */
    public static final float MASK_THRESHOLD = 0.5f;
    /** The default lowest score of a detection that is painted. */
    public static final float DEFAULT_MIN_SCORE = 0.5f;

    private final float minScore;
    private final float maskThreshold;
    private final int minArea;

    /**
     * A pasting rule.
     *
     * @param minScore      the lowest score painted, in [0, 1]
     * @param maskThreshold the mask probability threshold, in (0, 1)
     * @param minArea       the smallest area kept, ≥ 0
     * @throws IllegalArgumentException when out of range
     */
    public MaskPasting(float minScore, float maskThreshold, int minArea) {
        if (!(minScore >= 0 && minScore <= 1 && maskThreshold > 0 && maskThreshold < 1 && minArea >= 0)) {
            throw new IllegalArgumentException("MaskPasting: need minScore in [0, 1], maskThreshold in (0, 1), minArea"
                    + " >= 0; got " + minScore + ", " + maskThreshold + ", " + minArea);
        }
        this.minScore = minScore;
        this.maskThreshold = maskThreshold;
        this.minArea = minArea;
    }

    /**
     * {@return the instance label image of one image's detections}
     *
     * @param detections boxes (x1, y1, x2, y2) in pixels of the image, scores, and (D, 1, M, M) mask probabilities
     * @param width      the image's width
     * @param height     the image's height
     */
    public LabelImage paste(RoiHeads.Detections detections, int width, int height) {
        int[] out = new int[width * height];
        int d = detections.count();
        if (d == 0) {
            return new LabelImage(width, height, out);
        }
        float[] masks = detections.masks().toArray();
        int m = detections.masks().size(3);
        int next = 1;
        for (int j : order(detections)) {
            int[] pixels = pixels(detections.boxes(), j, masks, m, width, height);
            int own = 0;
            for (int p : pixels) {
                if (out[p] == 0) {
                    out[p] = next;
                    own++;
                }
            }
            if (own < Math.max(1, minArea)) {
                for (int p : pixels) {
                    if (out[p] == next) {
                        out[p] = 0;
                    }
                }
            } else {
                next++;
            }
        }
        return new LabelImage(width, height, out);
    }

    /**
     * {@return (1, H, W): per pixel, the largest resized mask probability of the detections scoring at least
     * {@code minScore} (0 outside every box)}
     *
     * @param detections one image's detections
     * @param width      the image's width
     * @param height     the image's height
     */
    public FloatImage probability(RoiHeads.Detections detections, int width, int height) {
        float[] out = new float[width * height];
        if (detections.count() > 0) {
            float[] masks = detections.masks().toArray();
            int m = detections.masks().size(3);
            for (int j : order(detections)) {
                float[] b = detections.boxes();
                int[] r = extent(b, j, width, height);
                for (int y = r[1]; y < r[3]; y++) {
                    for (int x = r[0]; x < r[2]; x++) {
                        out[y * width + x] = Math.max(out[y * width + x], sample(b, j, masks, m, x, y));
                    }
                }
            }
        }
        return new FloatImage(width, height, 1, out);
    }

    /** Indices of the detections with score ≥ minScore, highest score first (ties: the earlier first). */
    private int[] order(RoiHeads.Detections det) {
        float[] s = det.scores();
        return IntStream.range(0, det.count()).filter(j -> s[j] >= minScore).boxed()
                .sorted(Comparator.comparingDouble((Integer j) -> -s[j])).mapToInt(Integer::intValue).toArray();
    }

    /** The pixels (y·W + x) of detection j's thresholded, resized mask. */
    private int[] pixels(float[] boxes, int j, float[] masks, int m, int width, int height) {
        int[] r = extent(boxes, j, width, height);
        int[] buf = new int[Math.max(0, (r[2] - r[0]) * (r[3] - r[1]))];
        int n = 0;
        for (int y = r[1]; y < r[3]; y++) {
            for (int x = r[0]; x < r[2]; x++) {
                if (sample(boxes, j, masks, m, x, y) >= maskThreshold) {
                    buf[n++] = y * width + x;
                }
            }
        }
        return Arrays.copyOf(buf, n);
    }

    /** The pixels whose centre lies in box j, clipped to the image: {x0, y0, x1, y1}, ends exclusive. */
    private static int[] extent(float[] b, int j, int width, int height) {
        int x0 = Math.max(0, (int) Math.ceil(b[4 * j] - 0.5));
        int y0 = Math.max(0, (int) Math.ceil(b[4 * j + 1] - 0.5));
        int x1 = Math.min(width, (int) Math.ceil(b[4 * j + 2] - 0.5));
        int y1 = Math.min(height, (int) Math.ceil(b[4 * j + 3] - 0.5));
        return new int[] {x0, y0, Math.max(x0, x1), Math.max(y0, y1)};
    }

    /** Bilinear sample of detection j's M×M mask at image pixel (x, y)'s centre (edges clamped). */
    private static float sample(float[] b, int j, float[] masks, int m, int x, int y) {
        float bw = Math.max(b[4 * j + 2] - b[4 * j], 1e-6f), bh = Math.max(b[4 * j + 3] - b[4 * j + 1], 1e-6f);
        double u = Math.min(m - 1, Math.max(0, (x + 0.5 - b[4 * j]) * m / bw - 0.5));
        double v = Math.min(m - 1, Math.max(0, (y + 0.5 - b[4 * j + 1]) * m / bh - 0.5));
        int u0 = (int) u, v0 = (int) v, u1 = Math.min(m - 1, u0 + 1), v1 = Math.min(m - 1, v0 + 1);
        double fu = u - u0, fv = v - v0;
        int base = j * m * m;
        double top = masks[base + v0 * m + u0] * (1 - fu) + masks[base + v0 * m + u1] * fu;
        double bottom = masks[base + v1 * m + u0] * (1 - fu) + masks[base + v1 * m + u1] * fu;
        return (float) (top * (1 - fv) + bottom * fv);
    }
}
