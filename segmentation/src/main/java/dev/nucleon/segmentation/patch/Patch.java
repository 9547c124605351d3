package dev.nucleon.segmentation.patch;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * One patch cut from an image at (x, y) (its top-left corner in the image), with its target.
 *
 * @param image (C, P, P)
 * @param labels (P, P) target, or null
 */
public record Patch(int x, int y, FloatImage image, LabelImage labels) {
}
