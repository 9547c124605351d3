package dev.nucleon.segmentation.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.LabelImage;

import org.junit.jupiter.api.Test;

class NucleusScaleTest {
    /** A label map with nuclei of the given areas (each a 1-pixel-high strip). */
    static LabelImage strips(int... areas) {
        int w = 0;
        for (int a : areas) {
            w = Math.max(w, a);
        }
        int[] l = new int[w * areas.length];
        for (int k = 0; k < areas.length; k++) {
            for (int x = 0; x < areas[k]; x++) {
                l[k * w + x] = k + 1;
            }
        }
        return new LabelImage(w, areas.length, l);
    }

    @Test
    void areaWeightedMedianFollowsTheNucleiThatHoldMostOfTheArea() {
        // one large nucleus cut into 8 fragments of 100 px plus one whole nucleus of 2000 px:
        // the plain median is 100 px, the area-weighted median is the whole one
        LabelImage l = strips(100, 100, 100, 100, 100, 100, 100, 100, 2000);
        assertEquals(Math.sqrt(4 * 2000 / Math.PI), NucleusScale.areaWeightedMedianDiameter(l), 1e-9);
        // equal areas: that area
        assertEquals(Math.sqrt(4 * 50 / Math.PI), NucleusScale.areaWeightedMedianDiameter(strips(50, 50, 50)), 1e-9);
        // 10, 20, 30, 40 (total 100): cumulative 10, 30, 60 -> 30 reaches half
        assertEquals(Math.sqrt(4 * 30 / Math.PI), NucleusScale.areaWeightedMedianDiameter(strips(10, 20, 30, 40)), 1e-9);
    }

    @Test
    void noNucleiGivesNaN() {
        assertTrue(Double.isNaN(NucleusScale.areaWeightedMedianDiameter(LabelImage.empty(5, 5))));
    }
}
