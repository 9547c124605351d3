package dev.nucleon.segmentation.augment;

import java.util.Random;

/** Mirror top–bottom: y → H − 1 − y. */
public final class VerticalFlip implements Augmentation {
    @Override
    public AugmentationSample apply(AugmentationSample s, Random random) {
        return Flips.flip(s, false);
    }
}
