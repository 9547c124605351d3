package dev.nucleon.segmentation.morphology;

import dev.nucleon.segmentation.image.BinaryMask;

/**
 * Fills small holes, as scikit-image's {@code morphology.remove_small_holes}: every connected component
 * of the <em>background</em> with area {@code < areaThreshold} becomes foreground (paper 004's
 * post-processing). Like scikit-image, this includes small background pieces cut off at the image edge.
 * For filling every enclosed hole regardless of size use {@link RegionFilling}.
 */
public final class SmallHoleFilling {
    private SmallHoleFilling() {
    }

    /**
     * Fills the holes smaller than {@code areaThreshold}, see the class comment.
     *
     * @param mask          foreground, (H, W); not modified
     * @param areaThreshold background components of fewer pixels become foreground
     * @param connectivity  adjacency of the background (scikit-image's default is {@link Connectivity#FOUR})
     * @return a new mask
     */
    public static BinaryMask apply(BinaryMask mask, int areaThreshold, Connectivity connectivity) {
        BinaryMask background = mask.invert();
        BinaryMask keptBackground = SmallObjectRemoval.apply(background, areaThreshold, connectivity);
        return keptBackground.invert();
    }
}
