package dev.nucleon.segmentation.augment;

import java.util.Random;

/**
 * Average (box) blur, albumentations' Blur: mean over a k × k window, k odd in [minKernel, maxKernel]
 * (blur_limit 7 → 3..7). Image only; border reflect-101.
 */
public final class AverageBlur implements Augmentation {
    private final int minKernel;
    private final int maxKernel;

    /** Kernel sides 3 to 7. */
    public AverageBlur() {
        this(3, 7);
    }

    /**
     * Kernel sides drawn from [minKernel, maxKernel].
     *
     * @param minKernel the smallest kernel side, odd, ≥ 1
     * @param maxKernel the largest kernel side, odd, ≥ minKernel
     */
    public AverageBlur(int minKernel, int maxKernel) {
        this.minKernel = minKernel;
        this.maxKernel = maxKernel;
    }

    @Override
    public AugmentationSample apply(AugmentationSample s, Random r) {
        int k = Filters.oddSize(r, minKernel, maxKernel);
        float[] box = new float[k];
        java.util.Arrays.fill(box, 1f / k);
        return new AugmentationSample(Filters.separable(s.image(), box), s.target());
    }
}
