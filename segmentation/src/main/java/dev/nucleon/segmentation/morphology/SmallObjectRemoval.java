package dev.nucleon.segmentation.morphology;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * Removes connected components smaller than {@code minSize} pixels, as scikit-image's
 * {@code morphology.remove_small_objects}: a component of area {@code < minSize} is removed, one of area
 * {@code >= minSize} is kept.
 */
public final class SmallObjectRemoval {
    private SmallObjectRemoval() {
    }

    /**
     * {@return a new mask: foreground components (with the given connectivity) of area &lt; minSize become
     * background}
     *
     * @param mask         foreground, (H, W); not modified
     * @param minSize      smallest area kept, pixels (≤ 1: a copy)
     * @param connectivity which neighbours join a component
     */
    public static BinaryMask apply(BinaryMask mask, int minSize, Connectivity connectivity) {
        if (minSize <= 1) {
            return mask.copy();
        }
        LabelImage cc = ConnectedComponents.label(mask, connectivity);
        int[] area = cc.areas();
        int[] l = cc.data();
        boolean[] out = new boolean[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = l[i] > 0 && area[l[i]] >= minSize;
        }
        return new BinaryMask(mask.width(), mask.height(), out);
    }

    /**
     * Labels of area &lt; minSize become 0; other labels keep their value (relabel afterwards if needed).
     *
     * @param labels  a label map; not modified
     * @param minSize smallest area kept, pixels
     * @return a new label map
     */
    public static LabelImage apply(LabelImage labels, int minSize) {
        int[] area = labels.areas();
        int[] l = labels.data();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = l[i] > 0 && area[l[i]] >= minSize ? l[i] : 0;
        }
        return new LabelImage(labels.width(), labels.height(), out);
    }
}
