package dev.nucleon.core.testing;

/**
 * Double-precision upsampling of (N, C, H, W) by an integer factor f. Nearest: output (i, j) copies input
 * (⌊i/f⌋, ⌊j/f⌋). Bilinear with half-pixel centres (PyTorch {@code align_corners=False}): source coordinate
 * s = (i + ½)/f − ½, clamped below at 0; interpolate between ⌊s⌋ and min(⌊s⌋ + 1, H − 1).
 */
public final class ReferenceUpsample {

    private ReferenceUpsample() {
    }

    public static int[] shape(int[] x, int f) {
        return new int[] {x[0], x[1], x[2] * f, x[3] * f};
    }

    public static double[] nearest(double[] x, int[] shape, int f) {
        int h = shape[2], w = shape[3];
        double[] y = new double[x.length * f * f];
        for (int plane = 0; plane < shape[0] * shape[1]; plane++) {
            for (int i = 0; i < h * f; i++) {
                for (int j = 0; j < w * f; j++) {
                    y[(plane * h * f + i) * w * f + j] = x[(plane * h + i / f) * w + j / f];
                }
            }
        }
        return y;
    }

    public static double[] bilinear(double[] x, int[] shape, int f) {
        int h = shape[2], w = shape[3];
        double[] y = new double[x.length * f * f];
        for (int plane = 0; plane < shape[0] * shape[1]; plane++) {
            for (int i = 0; i < h * f; i++) {
                double sy = Math.max(0, (i + 0.5) / f - 0.5);
                int y0 = Math.min((int) Math.floor(sy), h - 1);
                int y1 = Math.min(y0 + 1, h - 1);
                double ly = sy - y0;
                for (int j = 0; j < w * f; j++) {
                    double sx = Math.max(0, (j + 0.5) / f - 0.5);
                    int x0 = Math.min((int) Math.floor(sx), w - 1);
                    int x1 = Math.min(x0 + 1, w - 1);
                    double lx = sx - x0;
                    int base = plane * h * w;
                    y[(plane * h * f + i) * w * f + j] =
                            (1 - ly) * ((1 - lx) * x[base + y0 * w + x0] + lx * x[base + y0 * w + x1])
                            + ly * ((1 - lx) * x[base + y1 * w + x0] + lx * x[base + y1 * w + x1]);
                }
            }
        }
        return y;
    }
}
