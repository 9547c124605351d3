package dev.nucleon.segmentation.preprocess;

import dev.nucleon.segmentation.image.FloatImage;

/**
 * Contrast-limited adaptive histogram equalisation (Zuiderveld 1994), following OpenCV's
 * {@code createCLAHE(clipLimit, tileGridSize)} step for step, paper 004's first pre-processing step.
 *
 * <ol>
 *   <li>The image is cut into {@code tilesX × tilesY} tiles. When a side is not divisible, OpenCV pads the
 *       image (reflect-101) at the right/bottom by {@code tiles − side mod tiles} — including its quirk of
 *       adding a whole tile row/column on a divisible side when the other is not — and uses the padded
 *       tile size; we do the same without materialising the padding.</li>
 *   <li>Per tile, a {@code bins}-bin histogram of {@code round(v · (bins − 1))}; the clip limit is
 *       {@code max(1, floor(clipLimit · tileArea / bins))}; the excess above it is redistributed evenly, the
 *       remainder one count at a time with step {@code max(bins / residual, 1)}.</li>
 *   <li>LUT = cumulative histogram · (bins − 1) / tileArea, divided by (bins − 1) to stay in [0, 1]
 *       (OpenCV's value before its final rounding to 8 bits).</li>
 *   <li>Each pixel interpolates bilinearly between the LUTs of the four nearest tile centres
 *       ({@code tx = x / tileWidth − 0.5}, clamped at the borders).</li>
 * </ol>
 *
 * <p>Input in [0, 1] (values outside are clamped for binning); channels are equalised independently.
 * Defaults: OpenCV's 8×8 tiles and clip limit 2.0 (40 for OpenCV's default object, which most users
 * replace; 2.0 is the usual setting and the one used in DSB2018 pipelines). A clip limit ≤ 0 disables
 * clipping (plain adaptive equalisation).
 */
public final class Clahe {
    private final int tilesX;
    private final int tilesY;
    private final double clipLimit;
    private final int bins;

    /** 8×8 tiles, clip limit 2.0, 256 bins. */
    public Clahe() {
        this(8, 8, 2.0, 256);
    }

    /**
     * CLAHE with other settings.
     *
     * @param tilesX    tiles across, ≥ 1
     * @param tilesY    tiles down, ≥ 1
     * @param clipLimit the clip limit, in multiples of a uniform histogram's bin count (see the class comment)
     * @param bins      histogram bins, ≥ 2
     */
    public Clahe(int tilesX, int tilesY, double clipLimit, int bins) {
        if (tilesX < 1 || tilesY < 1 || bins < 2) {
            throw new IllegalArgumentException("Clahe: need tiles >= 1 and bins >= 2, got " + tilesX + "x" + tilesY
                    + " tiles, " + bins + " bins");
        }
        this.tilesX = tilesX;
        this.tilesY = tilesY;
        this.clipLimit = clipLimit;
        this.bins = bins;
    }

    /**
     * Equalises every channel.
     *
     * @param image (C, H, W) in [0, 1], not modified
     * @return (C, H, W) in [0, 1]
     */
    public FloatImage apply(FloatImage image) {
        int w = image.width(), h = image.height(), n = w * h;
        float[] out = new float[image.data().length];
        for (int c = 0; c < image.channels(); c++) {
            plane(image.data(), c * n, w, h, out);
        }
        return new FloatImage(w, h, image.channels(), out);
    }

    private void plane(float[] src, int off, int w, int h, float[] out) {
        boolean divisible = w % tilesX == 0 && h % tilesY == 0;
        int pw = divisible ? w : w + tilesX - w % tilesX;
        int ph = divisible ? h : h + tilesY - h % tilesY;
        int tw = pw / tilesX, th = ph / tilesY, area = tw * th;
        int limit = 0;
        if (clipLimit > 0) {
            limit = Math.max(1, (int) (clipLimit * area / bins));
        }
        int q1 = bins - 1;
        // quantised plane
        int[] qv = new int[w * h];
        for (int i = 0; i < w * h; i++) {
            float v = src[off + i];
            int q = (int) Math.floor(v * q1 + 0.5f);
            qv[i] = q < 0 ? 0 : Math.min(q, q1);
        }
        float[] lut = new float[tilesX * tilesY * bins];
        int[] hist = new int[bins];
        float lutScale = (float) (1.0 / area);
        for (int ty = 0; ty < tilesY; ty++) {
            for (int tx = 0; tx < tilesX; tx++) {
                java.util.Arrays.fill(hist, 0);
                for (int y = ty * th; y < (ty + 1) * th; y++) {
                    int sy = reflect101(y, h);
                    int row = sy * w;
                    int x0 = tx * tw, x1 = (tx + 1) * tw;
                    int xe = Math.min(x1, w);
                    for (int x = x0; x < xe; x++) {
                        hist[qv[row + x]]++;
                    }
                    for (int x = Math.max(x0, w); x < x1; x++) {
                        hist[qv[row + reflect101(x, w)]]++;
                    }
                }
                if (limit > 0) {
                    int clipped = 0;
                    for (int i = 0; i < bins; i++) {
                        if (hist[i] > limit) {
                            clipped += hist[i] - limit;
                            hist[i] = limit;
                        }
                    }
                    int batch = clipped / bins, residual = clipped - batch * bins;
                    for (int i = 0; i < bins; i++) {
                        hist[i] += batch;
                    }
                    if (residual != 0) {
                        int step = Math.max(bins / residual, 1);
                        for (int i = 0; i < bins && residual > 0; i += step, residual--) {
                            hist[i]++;
                        }
                    }
                }
                int base = (ty * tilesX + tx) * bins;
                long sum = 0;
                for (int i = 0; i < bins; i++) {
                    sum += hist[i];
                    lut[base + i] = Math.min(1f, sum * lutScale);
                }
            }
        }
        float invTw = 1f / tw, invTh = 1f / th;
        int[] tx1 = new int[w], tx2 = new int[w];
        float[] xa = new float[w];
        for (int x = 0; x < w; x++) {
            float txf = x * invTw - 0.5f;
            int a = (int) Math.floor(txf);
            xa[x] = txf - a;
            tx1[x] = Math.max(a, 0) * bins;
            tx2[x] = Math.min(a + 1, tilesX - 1) * bins;
        }
        for (int y = 0; y < h; y++) {
            float tyf = y * invTh - 0.5f;
            int b = (int) Math.floor(tyf);
            float ya = tyf - b;
            int r1 = Math.max(b, 0) * tilesX * bins, r2 = Math.min(b + 1, tilesY - 1) * tilesX * bins;
            for (int x = 0; x < w; x++) {
                int v = qv[y * w + x];
                float a = xa[x];
                float top = lut[r1 + tx1[x] + v] * (1 - a) + lut[r1 + tx2[x] + v] * a;
                float bot = lut[r2 + tx1[x] + v] * (1 - a) + lut[r2 + tx2[x] + v] * a;
                out[off + y * w + x] = top * (1 - ya) + bot * ya;
            }
        }
    }

    /** OpenCV's BORDER_REFLECT_101: ... 2 1 | 0 1 2 ... n−1 | n−2 ... */
    static int reflect101(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * n - 2;
        i = Math.floorMod(i, period);
        return i < n ? i : period - i;
    }
}
