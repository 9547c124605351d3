package dev.nucleon.segmentation.augment;

import java.util.Random;

/**
 * Gaussian blur with an odd kernel size drawn from [minKernel, maxKernel] (albumentations' GaussianBlur,
 * blur_limit (3, 7), sigma 0 → OpenCV's σ = 0.3·((k − 1)·0.5 − 1) + 0.8). Image only; border reflect-101.
 */
public final class GaussianBlur implements Augmentation {
    private final int minKernel;
    private final int maxKernel;

    /** Kernel sides 3 to 7. */
    public GaussianBlur() {
        this(3, 7);
    }

    /**
     * Kernel sides drawn from [minKernel, maxKernel].
     *
     * @param minKernel the smallest kernel side, odd, ≥ 1
     * @param maxKernel the largest kernel side, odd, ≥ minKernel
     */
    public GaussianBlur(int minKernel, int maxKernel) {
        this.minKernel = minKernel;
        this.maxKernel = maxKernel;
    }

    @Override
    public AugmentationSample apply(AugmentationSample s, Random r) {
        int k = Filters.oddSize(r, minKernel, maxKernel);
        return new AugmentationSample(Filters.separable(s.image(), Filters.gaussianKernel(k, 0)), s.target());
    }
}
