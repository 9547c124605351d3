package dev.nucleon.segmentation.augment;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * OpenCV's {@code remap}: output pixel (x, y) takes the input at (mapX[i], mapY[i]), i = y·W + x —
 * bilinear for the image, nearest (rounded) for the target. Outside the input, {@link Border#REFLECT_101}
 * (OpenCV's and albumentations' default) mirrors, {@link Border#CONSTANT} gives 0.
 */
public final class Remap {
    /** Border handling. */
    public enum Border {
        /** Mirror without repeating the edge pixel: {@code … c b | a b c | b a …}. */
        REFLECT_101,
        /** 0 outside the input. */
        CONSTANT
    }

    private Remap() {
    }

    /**
     * {@return the sample with image and target remapped by one map of the output's size {@code outW × outH}}
     *
     * @param s      the image and its target
     * @param mapX   input x of each output pixel, (outH, outW) row-major
     * @param mapY   input y of each output pixel, (outH, outW) row-major
     * @param outW   the output's width
     * @param outH   the output's height
     * @param border what is read outside the input
     */
    public static AugmentationSample apply(AugmentationSample s, float[] mapX, float[] mapY, int outW, int outH,
                                          Border border) {
        FloatImage img = s.image();
        int w = img.width(), h = img.height(), c = img.channels(), n = w * h, on = outW * outH;
        float[] src = img.data(), out = new float[on * c];
        for (int i = 0; i < on; i++) {
            float fx = mapX[i], fy = mapY[i];
            int x0 = (int) Math.floor(fx), y0 = (int) Math.floor(fy);
            float ax = fx - x0, ay = fy - y0;
            int xa = index(x0, w, border), xb = index(x0 + 1, w, border);
            int ya = index(y0, h, border), yb = index(y0 + 1, h, border);
            for (int k = 0; k < c; k++) {
                int base = k * n;
                float v00 = xa < 0 || ya < 0 ? 0 : src[base + ya * w + xa];
                float v10 = xb < 0 || ya < 0 ? 0 : src[base + ya * w + xb];
                float v01 = xa < 0 || yb < 0 ? 0 : src[base + yb * w + xa];
                float v11 = xb < 0 || yb < 0 ? 0 : src[base + yb * w + xb];
                float top = v00 + (v10 - v00) * ax, bot = v01 + (v11 - v01) * ax;
                out[k * on + i] = top + (bot - top) * ay;
            }
        }
        LabelImage t = null;
        if (s.target() != null) {
            int[] l = s.target().data(), lo = new int[on];
            for (int i = 0; i < on; i++) {
                int xx = index(Math.round(mapX[i]), w, border), yy = index(Math.round(mapY[i]), h, border);
                lo[i] = xx < 0 || yy < 0 ? 0 : l[yy * w + xx];
            }
            t = new LabelImage(outW, outH, lo);
        }
        return new AugmentationSample(new FloatImage(outW, outH, c, out), t);
    }

    /** Index into [0, n), or −1 for a constant border outside. */
    static int index(int i, int n, Border border) {
        if (i >= 0 && i < n) {
            return i;
        }
        if (border == Border.CONSTANT) {
            return -1;
        }
        if (n == 1) {
            return 0;
        }
        int period = 2 * n - 2;
        i = Math.floorMod(i, period);
        return i < n ? i : period - i;
    }
}
