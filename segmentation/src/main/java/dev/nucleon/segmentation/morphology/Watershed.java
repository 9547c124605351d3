package dev.nucleon.segmentation.morphology;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * Marker-controlled watershed by priority flooding (Meyer 1991; the algorithm of scikit-image's
 * {@code segmentation.watershed}): every marker pixel is queued with its elevation; the lowest queued
 * pixel is taken (ties first-in first-out, so plateaus are split evenly by distance), and each of its
 * unlabelled neighbours inside the mask takes its label and is queued with its own elevation. Each pixel
 * is queued once: O(n log n).
 *
 * <p>To split touching nuclei, flood {@code −distance} from one marker per nucleus inside the foreground
 * mask ({@link dev.nucleon.segmentation.instance.InstanceSegmentation} does this). Pixels of the mask that no
 * marker can reach stay 0. No watershed lines are drawn: every reached pixel gets a label.
 */
public final class Watershed {
    private Watershed() {
    }

    /**
     * @param elevation (1, H, W) relief to flood (NaN is treated as +Inf)
     * @param markers seeds, label k &gt; 0; marker pixels keep their label
     * @param mask pixels that may be labelled (null = the whole image)
     * @param connectivity which neighbours a label spreads to
     * @return label map with the markers' labels
     */
    public static LabelImage apply(FloatImage elevation, LabelImage markers, BinaryMask mask,
                                   Connectivity connectivity) {
        int w = elevation.width(), h = elevation.height(), n = w * h;
        if (markers.width() != w || markers.height() != h
                || (mask != null && (mask.width() != w || mask.height() != h))) {
            throw new IllegalArgumentException("Watershed: elevation is " + w + "x" + h + ", markers "
                    + markers.width() + "x" + markers.height()
                    + (mask == null ? "" : ", mask " + mask.width() + "x" + mask.height()));
        }
        float[] e = elevation.data();
        boolean[] m = mask == null ? null : mask.data();
        int[] out = markers.data().clone();
        PixelQueue queue = new PixelQueue(Math.max(16, n / 4));
        for (int i = 0; i < n; i++) {
            if (out[i] > 0) {
                queue.push(e[i], i);
            } else {
                out[i] = 0;
            }
        }
        boolean eight = connectivity == Connectivity.EIGHT;
        while (!queue.isEmpty()) {
            int p = queue.pop();
            int px = p % w, py = p / w, lab = out[p];
            for (int dy = -1; dy <= 1; dy++) {
                int qy = py + dy;
                if (qy < 0 || qy >= h) {
                    continue;
                }
                for (int dx = -1; dx <= 1; dx++) {
                    if ((dx == 0 && dy == 0) || (!eight && dx != 0 && dy != 0)) {
                        continue;
                    }
                    int qx = px + dx;
                    if (qx < 0 || qx >= w) {
                        continue;
                    }
                    int q = qy * w + qx;
                    if (out[q] == 0 && (m == null || m[q])) {
                        out[q] = lab;
                        queue.push(e[q], q);
                    }
                }
            }
        }
        return new LabelImage(w, h, out);
    }

    /**
     * Min-priority queue of pixels: key = (elevation, insertion order) packed in one long so ties pop
     * first-in first-out; a binary heap on primitive arrays.
     */
    static final class PixelQueue {
        private long[] keys;
        private int[] pixels;
        private int size;
        private int age;

        PixelQueue(int capacity) {
            keys = new long[capacity];
            pixels = new int[capacity];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(float value, int pixel) {
            if (size == keys.length) {
                keys = java.util.Arrays.copyOf(keys, size * 2);
                pixels = java.util.Arrays.copyOf(pixels, size * 2);
            }
            long key = ((long) sortable(value) << 32) | (age++ & 0xffffffffL);
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (keys[parent] <= key) {
                    break;
                }
                keys[i] = keys[parent];
                pixels[i] = pixels[parent];
                i = parent;
            }
            keys[i] = key;
            pixels[i] = pixel;
        }

        int pop() {
            int top = pixels[0];
            size--;
            long key = keys[size];
            int pix = pixels[size];
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int c = 2 * i + 1;
                if (c + 1 < size && keys[c + 1] < keys[c]) {
                    c++;
                }
                if (key <= keys[c]) {
                    break;
                }
                keys[i] = keys[c];
                pixels[i] = pixels[c];
                i = c;
            }
            keys[i] = key;
            pixels[i] = pix;
            return top;
        }

        /** Float to a signed int with the same order (NaN sorts as +Inf), offset so it compares as signed. */
        static int sortable(float v) {
            if (Float.isNaN(v)) {
                v = Float.POSITIVE_INFINITY;
            }
            int bits = Float.floatToIntBits(v == 0f ? 0f : v);
            return bits >= 0 ? bits : bits ^ 0x7fffffff;
        }
    }
}
