package dev.nucleon.segmentation.augment;

import java.util.Random;

/**
 * One random transform of an image and its target. Parameters are drawn from {@code random} so a seeded
 * {@link AugmentationPipeline} is reproducible. Defaults follow albumentations (the reference the papers'
 * code used); each class states where it deviates.
 */
@FunctionalInterface
public interface Augmentation {
    /**
     * Transforms one sample.
     *
     * @param sample the image and its target (not modified)
     * @param random the source of every random parameter
     * @return the transformed sample
     */
    AugmentationSample apply(AugmentationSample sample, Random random);
}
