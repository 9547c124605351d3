package dev.nucleon.segmentation.augment;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * An image and its target, transformed together: spatial transforms move both (bilinear for the image,
 * nearest for the target, so labels stay exact), intensity transforms touch only the image.
 *
 * @param image (C, H, W), values in [0, 1]
 * @param target (H, W) instance labels or class map, or null
 */
public record AugmentationSample(FloatImage image, LabelImage target) {
    /**
     * Checks that image and target have the same size.
     *
     * @param image  (C, H, W), values in [0, 1]
     * @param target (H, W) instance labels or class map, or null
     * @throws IllegalArgumentException when the sizes differ
     */
    public AugmentationSample {
        if (target != null && (target.width() != image.width() || target.height() != image.height())) {
            throw new IllegalArgumentException("AugmentationSample: image is " + image.width() + "x"
                    + image.height() + ", target " + target.width() + "x" + target.height());
        }
    }
}
