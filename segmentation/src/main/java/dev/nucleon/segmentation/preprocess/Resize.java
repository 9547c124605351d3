package dev.nucleon.segmentation.preprocess;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * Resizing with half-pixel centres (OpenCV's {@code resize}, PyTorch's {@code align_corners=False}):
 * output pixel x samples the input at {@code (x + 0.5) · inW / outW − 0.5}, edges clamped.
 * Images: bilinear, no anti-aliasing (as OpenCV's INTER_LINEAR; papers 002/003 resize to 256×256).
 * Label maps: nearest neighbour with the same half-pixel centres (Pillow's NEAREST, OpenCV's
 * INTER_NEAREST_EXACT), which keeps labels exact.
 */
public final class Resize {
    private Resize() {
    }

    /**
     * {@return bilinear resize of every channel}
     *
     * @param image  (C, H, W)
     * @param width  the new width, ≥ 1
     * @param height the new height, ≥ 1
     */
    public static FloatImage bilinear(FloatImage image, int width, int height) {
        check(width, height);
        int iw = image.width(), ih = image.height(), c = image.channels();
        float[] src = image.data(), out = new float[width * height * c];
        double sx = iw / (double) width, sy = ih / (double) height;
        int[] x0 = new int[width], x1 = new int[width];
        float[] fx = new float[width];
        for (int x = 0; x < width; x++) {
            double u = Math.max(0, (x + 0.5) * sx - 0.5);
            int a = Math.min((int) u, iw - 1);
            x0[x] = a;
            x1[x] = Math.min(a + 1, iw - 1);
            fx[x] = (float) (u - a);
        }
        for (int ch = 0; ch < c; ch++) {
            int so = ch * iw * ih, oo = ch * width * height;
            for (int y = 0; y < height; y++) {
                double v = Math.max(0, (y + 0.5) * sy - 0.5);
                int b = Math.min((int) v, ih - 1), b1 = Math.min(b + 1, ih - 1);
                float fy = (float) (v - b);
                int r0 = so + b * iw, r1 = so + b1 * iw;
                for (int x = 0; x < width; x++) {
                    float top = src[r0 + x0[x]] + (src[r0 + x1[x]] - src[r0 + x0[x]]) * fx[x];
                    float bot = src[r1 + x0[x]] + (src[r1 + x1[x]] - src[r1 + x0[x]]) * fx[x];
                    out[oo + y * width + x] = top + (bot - top) * fy;
                }
            }
        }
        return new FloatImage(width, height, c, out);
    }

    /**
     * {@return nearest-neighbour resize of a label map: output x takes input floor((x + 0.5) · inW / outW)}
     *
     * @param labels the label map
     * @param width  the new width, ≥ 1
     * @param height the new height, ≥ 1
     */
    public static LabelImage nearest(LabelImage labels, int width, int height) {
        check(width, height);
        int iw = labels.width(), ih = labels.height();
        int[] src = labels.data(), out = new int[width * height];
        for (int y = 0; y < height; y++) {
            int yy = Math.min(ih - 1, (int) Math.floor((y + 0.5) * ih / height));
            for (int x = 0; x < width; x++) {
                int xx = Math.min(iw - 1, (int) Math.floor((x + 0.5) * iw / width));
                out[y * width + x] = src[yy * iw + xx];
            }
        }
        return new LabelImage(width, height, out);
    }

    private static void check(int w, int h) {
        if (w <= 0 || h <= 0) {
            throw new IllegalArgumentException("Resize: target size must be positive, got " + w + "x" + h);
        }
    }
}
