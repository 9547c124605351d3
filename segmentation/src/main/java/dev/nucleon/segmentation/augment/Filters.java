package dev.nucleon.segmentation.augment;

import dev.nucleon.segmentation.image.FloatImage;

/** Separable filtering helpers shared by the blur and elastic transforms (border reflect-101). */
final class Filters {
    /** OpenCV's fixed kernels for ksize 1, 3, 5, 7 with sigma ≤ 0 ({@code small_gaussian_tab}). */
    private static final float[][] SMALL_GAUSSIAN = {
        {1f},
        {0.25f, 0.5f, 0.25f},
        {0.0625f, 0.25f, 0.375f, 0.25f, 0.0625f},
        {0.03125f, 0.109375f, 0.21875f, 0.28125f, 0.21875f, 0.109375f, 0.03125f},
    };

    private Filters() {
    }

    /**
     * OpenCV's {@code getGaussianKernel(ksize, sigma)}: normalised exp(−(i − (k−1)/2)² / 2σ²); σ ≤ 0 means
     * OpenCV's fixed binomial kernels for ksize ≤ 7, else σ = 0.3·((ksize − 1)·0.5 − 1) + 0.8.
     */
    static float[] gaussianKernel(int ksize, double sigma) {
        if (sigma <= 0 && ksize <= 7 && ksize % 2 == 1) {
            return SMALL_GAUSSIAN[ksize / 2].clone();
        }
        if (sigma <= 0) {
            sigma = 0.3 * ((ksize - 1) * 0.5 - 1) + 0.8;
        }
        double[] k = new double[ksize];
        double sum = 0, c = (ksize - 1) / 2.0;
        for (int i = 0; i < ksize; i++) {
            k[i] = Math.exp(-(i - c) * (i - c) / (2 * sigma * sigma));
            sum += k[i];
        }
        float[] out = new float[ksize];
        for (int i = 0; i < ksize; i++) {
            out[i] = (float) (k[i] / sum);
        }
        return out;
    }

    /** Convolves a plane with kernel k along rows then columns, reflect-101 borders. */
    static float[] separable(float[] src, int w, int h, float[] k) {
        int r = k.length / 2;
        float[] tmp = new float[src.length], out = new float[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int j = 0; j < k.length; j++) {
                    s += k[j] * src[y * w + Remap.index(x + j - r, w, Remap.Border.REFLECT_101)];
                }
                tmp[y * w + x] = s;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int j = 0; j < k.length; j++) {
                    s += k[j] * tmp[Remap.index(y + j - r, h, Remap.Border.REFLECT_101) * w + x];
                }
                out[y * w + x] = s;
            }
        }
        return out;
    }

    /** Applies {@link #separable} to every channel of an image. */
    static FloatImage separable(FloatImage img, float[] k) {
        int n = img.planeSize();
        float[] out = new float[img.data().length];
        for (int c = 0; c < img.channels(); c++) {
            float[] p = java.util.Arrays.copyOfRange(img.data(), c * n, (c + 1) * n);
            System.arraycopy(separable(p, img.width(), img.height(), k), 0, out, c * n, n);
        }
        return new FloatImage(img.width(), img.height(), img.channels(), out);
    }

    /** An odd kernel size drawn uniformly from the odd numbers in [lo, hi]. */
    static int oddSize(java.util.Random r, int lo, int hi) {
        lo = Math.max(3, lo | 1);
        hi = Math.max(lo, hi % 2 == 0 ? hi - 1 : hi);
        return lo + 2 * r.nextInt((hi - lo) / 2 + 1);
    }
}
