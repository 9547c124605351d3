package dev.nucleon.segmentation.augment;

import java.util.Random;

/**
 * Contrast change (albumentations' RandomContrast / RandomBrightnessContrast contrast part):
 * v → clip(α · v, 0, 1), α ~ 1 + U(−limit, limit) (0.2). Like albumentations, the contrast scales about
 * 0 (not about the mean). Image only.
 */
public final class RandomContrast implements Augmentation {
    private final double limit;

    /**
     * Factors drawn from 1 + [−limit, limit].
     *
     * @param limit the largest relative change (0.2 in albumentations)
     */
    public RandomContrast(double limit) {
        this.limit = limit;
    }

    @Override
    public AugmentationSample apply(AugmentationSample s, Random r) {
        float alpha = (float) (1 + ShiftScaleRotate.uniform(r, -limit, limit));
        return new AugmentationSample(Intensity.map(s.image(), v -> v * alpha), s.target());
    }
}
