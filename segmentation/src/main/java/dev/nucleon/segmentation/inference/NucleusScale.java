package dev.nucleon.segmentation.inference;

import dev.nucleon.segmentation.image.LabelImage;

import java.util.Arrays;

/**
 * Nucleus size of a segmented image, for rescaling an image to the scale a network was trained at.
 *
 * <p>The size is the equivalent diameter {@code sqrt(4·A/π)} of the <em>area-weighted</em> median area A: the
 * area at which the nuclei sorted by area reach half of the total nucleus area. On an image whose large nuclei
 * a network cuts into pieces, the many small fragments pull the plain median down, but the pieces that
 * survive whole carry most of the area, so the area-weighted median stays near the true size.
 */
final class NucleusScale {
    private NucleusScale() {
    }

    /** {@return the area-weighted median equivalent diameter in pixels, or NaN without nuclei} */
    public static double areaWeightedMedianDiameter(LabelImage labels) {
        int[] areas = labels.areas();
        int[] a = Arrays.stream(areas, 1, areas.length).filter(v -> v > 0).sorted().toArray();
        if (a.length == 0) {
            return Double.NaN;
        }
        long total = 0;
        for (int v : a) {
            total += v;
        }
        long cumulative = 0;
        for (int v : a) {
            cumulative += v;
            if (2 * cumulative >= total) {
                return Math.sqrt(4.0 * v / Math.PI);
            }
        }
        return Math.sqrt(4.0 * a[a.length - 1] / Math.PI);
    }
}
