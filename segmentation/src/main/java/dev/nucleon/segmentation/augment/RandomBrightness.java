package dev.nucleon.segmentation.augment;

import dev.nucleon.segmentation.image.FloatImage;

import java.util.Random;

/**
 * Brightness shift (albumentations' RandomBrightnessContrast brightness part, brightness_by_max):
 * v → clip(v + β, 0, 1), β ~ U(−limit, limit) (0.2). Alpha channels are left alone. Image only.
 */
public final class RandomBrightness implements Augmentation {
    private final double limit;

    /**
     * Shifts drawn from [−limit, limit].
     *
     * @param limit the largest shift, in [0, 1] units (0.2 in albumentations)
     */
    public RandomBrightness(double limit) {
        this.limit = limit;
    }

    @Override
    public AugmentationSample apply(AugmentationSample s, Random r) {
        float beta = (float) ShiftScaleRotate.uniform(r, -limit, limit);
        return new AugmentationSample(Intensity.map(s.image(), v -> v + beta), s.target());
    }
}

