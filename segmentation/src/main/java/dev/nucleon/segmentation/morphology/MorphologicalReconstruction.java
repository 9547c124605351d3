package dev.nucleon.segmentation.morphology;

import dev.nucleon.segmentation.image.FloatImage;

/**
 * Grey-level reconstruction by dilation of {@code marker} under {@code mask} (marker ≤ mask): the
 * iterated geodesic dilation until stability. Vincent's hybrid algorithm (IEEE TIP 1993): one raster
 * scan, one anti-raster scan, then a FIFO propagation, O(pixels) in practice.
 */
public final class MorphologicalReconstruction {
    private MorphologicalReconstruction() {
    }

    /**
     * @param marker (1, H, W), clipped to {@code mask} first
     * @param mask (1, H, W)
     * @param connectivity adjacency of the propagation
     * @return the reconstruction, (1, H, W)
     */
    public static FloatImage byDilation(FloatImage marker, FloatImage mask, Connectivity connectivity) {
        int w = mask.width(), h = mask.height(), n = w * h;
        if (marker.width() != w || marker.height() != h) {
            throw new IllegalArgumentException("MorphologicalReconstruction: marker is " + marker.width() + "x"
                    + marker.height() + ", mask " + w + "x" + h);
        }
        float[] I = mask.data();
        float[] J = new float[n];
        for (int i = 0; i < n; i++) {
            J[i] = Math.min(marker.data()[i], I[i]);
        }
        boolean eight = connectivity == Connectivity.EIGHT;
        // raster scan: N+ = neighbours before p in raster order
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float m = J[i];
                if (x > 0) {
                    m = Math.max(m, J[i - 1]);
                }
                if (y > 0) {
                    m = Math.max(m, J[i - w]);
                    if (eight) {
                        if (x > 0) {
                            m = Math.max(m, J[i - w - 1]);
                        }
                        if (x < w - 1) {
                            m = Math.max(m, J[i - w + 1]);
                        }
                    }
                }
                J[i] = Math.min(m, I[i]);
            }
        }
        int[] queue = new int[Math.max(16, n / 8)];
        int head = 0, tail = 0;
        // anti-raster scan: N- = neighbours after p
        for (int y = h - 1; y >= 0; y--) {
            for (int x = w - 1; x >= 0; x--) {
                int i = y * w + x;
                float m = J[i];
                if (x < w - 1) {
                    m = Math.max(m, J[i + 1]);
                }
                if (y < h - 1) {
                    m = Math.max(m, J[i + w]);
                    if (eight) {
                        if (x < w - 1) {
                            m = Math.max(m, J[i + w + 1]);
                        }
                        if (x > 0) {
                            m = Math.max(m, J[i + w - 1]);
                        }
                    }
                }
                float jp = Math.min(m, I[i]);
                J[i] = jp;
                boolean enqueue = (x < w - 1 && J[i + 1] < jp && J[i + 1] < I[i + 1])
                        || (y < h - 1 && J[i + w] < jp && J[i + w] < I[i + w])
                        || (eight && y < h - 1 && x < w - 1 && J[i + w + 1] < jp && J[i + w + 1] < I[i + w + 1])
                        || (eight && y < h - 1 && x > 0 && J[i + w - 1] < jp && J[i + w - 1] < I[i + w - 1]);
                if (enqueue) {
                    if (tail == queue.length) {
                        queue = compact(queue, head, tail);
                        tail -= head;
                        head = 0;
                    }
                    queue[tail++] = i;
                }
            }
        }
        int[][] off = connectivity.offsets();
        while (head < tail) {
            int p = queue[head++];
            int px = p % w, py = p / w;
            float jp = J[p];
            for (int[] o : off) {
                int qx = px + o[0], qy = py + o[1];
                if (qx < 0 || qy < 0 || qx >= w || qy >= h) {
                    continue;
                }
                int q = qy * w + qx;
                if (J[q] < jp && I[q] != J[q]) {
                    J[q] = Math.min(jp, I[q]);
                    if (tail == queue.length) {
                        queue = compact(queue, head, tail);
                        tail -= head;
                        head = 0;
                    }
                    queue[tail++] = q;
                }
            }
        }
        return new FloatImage(w, h, 1, J);
    }

    private static int[] compact(int[] queue, int head, int tail) {
        int live = tail - head;
        int[] out = live * 2 > queue.length ? new int[queue.length * 2] : queue;
        System.arraycopy(queue, head, out, 0, live);
        return out;
    }
}
