package dev.nucleon.segmentation.augment;

import dev.nucleon.segmentation.image.FloatImage;

import java.util.Arrays;
import java.util.Random;

/**
 * Median blur, k odd in [minKernel, maxKernel] (albumentations' MedianBlur, blur_limit 7 → 3..7): each
 * pixel becomes the median of its k × k window, per channel, edge pixels replicated (as OpenCV's
 * {@code medianBlur}). Image only.
 */
public final class MedianBlur implements Augmentation {
    private final int minKernel;
    private final int maxKernel;

    /** Kernel sides 3 to 7. */
    public MedianBlur() {
        this(3, 7);
    }

    /**
     * Kernel sides drawn from [minKernel, maxKernel].
     *
     * @param minKernel the smallest kernel side, odd, ≥ 1
     * @param maxKernel the largest kernel side, odd, ≥ minKernel
     */
    public MedianBlur(int minKernel, int maxKernel) {
        this.minKernel = minKernel;
        this.maxKernel = maxKernel;
    }

    @Override
    public AugmentationSample apply(AugmentationSample s, Random r) {
        return new AugmentationSample(median(s.image(), Filters.oddSize(r, minKernel, maxKernel)), s.target());
    }

    /**
     * {@return the k × k median filter}
     *
     * @param img (C, H, W), not modified
     * @param k   the window side, odd
     */
    public static FloatImage median(FloatImage img, int k) {
        int w = img.width(), h = img.height(), n = w * h, rad = k / 2;
        float[] src = img.data(), out = new float[src.length], win = new float[k * k];
        for (int c = 0; c < img.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int m = 0;
                    for (int dy = -rad; dy <= rad; dy++) {
                        int yy = Math.max(0, Math.min(h - 1, y + dy));
                        for (int dx = -rad; dx <= rad; dx++) {
                            int xx = Math.max(0, Math.min(w - 1, x + dx));
                            win[m++] = src[c * n + yy * w + xx];
                        }
                    }
                    Arrays.sort(win, 0, m);
                    out[c * n + y * w + x] = win[m / 2];
                }
            }
        }
        return new FloatImage(w, h, img.channels(), out);
    }
}
