package dev.nucleon.segmentation.augment;

import java.util.Random;

/**
 * One random transform of an image and its target. Parameters are drawn from {@code random} so a seeded
 * {@link AugmentationPipeline} is reproducible. Defaults follow albumentations (the reference the papers'
 * code used); each class states where it deviates.
 */
@FunctionalInterface
public interface Augmentation {
    AugmentationSample apply(AugmentationSample sample, Random random);
}
