package dev.nucleon.segmentation.augment;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.util.Random;

/** Mirror left–right: x → W − 1 − x. */
public final class HorizontalFlip implements Augmentation {
    @Override
    public AugmentationSample apply(AugmentationSample s, Random random) {
        return Flips.flip(s, true);
    }
}

