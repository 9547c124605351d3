package dev.nucleon.segmentation.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nucleon.segmentation.image.LabelImage;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SeamWeightsTest {
    /** The definition, pixel by pixel: 1 + w where the clipped (2r+1)² window holds two different nonzero labels. */
    static float[] reference(LabelImage labels, int r, float weight) {
        int w = labels.width(), h = labels.height();
        int[] l = labels.data();
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int first = 0;
                boolean two = false;
                for (int yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
                    for (int xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
                        int v = l[yy * w + xx];
                        if (v != 0 && first == 0) {
                            first = v;
                        } else if (v != 0 && v != first) {
                            two = true;
                        }
                    }
                }
                out[y * w + x] = two ? 1 + weight : 1;
            }
        }
        return out;
    }

    @Test
    void matchesTheWindowDefinitionOnRandomLabelMaps() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int w = 5 + rnd.nextInt(30), h = 5 + rnd.nextInt(30);
            int[] l = new int[w * h];
            for (int k = 0; k < 1 + rnd.nextInt(6); k++) { // random rectangles, later ones on top
                int x0 = rnd.nextInt(w), y0 = rnd.nextInt(h), label = 1 + rnd.nextInt(9);
                for (int y = y0; y < Math.min(h, y0 + 1 + rnd.nextInt(12)); y++) {
                    for (int x = x0; x < Math.min(w, x0 + 1 + rnd.nextInt(12)); x++) {
                        l[y * w + x] = label;
                    }
                }
            }
            LabelImage labels = new LabelImage(w, h, l);
            int r = 1 + rnd.nextInt(4);
            assertArrayEquals(reference(labels, r, 10f), SeamWeights.of(labels, r, 10f), "trial " + trial);
        }
    }

    @Test
    void weighsBothRimsOfASeamAndTheGapBetweenCloseNucleiOnly() {
        // nuclei 1 and 2 touch at x = 5|6; nucleus 3 is 1 px away from 2 (gap x = 12); nucleus 4 is alone
        int w = 40, h = 6;
        int[] l = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                l[y * w + x] = x < 6 ? 1 : x < 12 ? 2 : x >= 13 && x < 20 ? 3 : x >= 30 ? 4 : 0;
            }
        }
        float[] s = SeamWeights.of(new LabelImage(w, h, l), 1, 4f);
        assertEquals(1f, s[2 * w + 4]);  // 2 px from the other nucleus: outside the 3×3 window
        assertEquals(5f, s[2 * w + 5]);  // the rim of 1 at the seam
        assertEquals(5f, s[2 * w + 6]);  // the rim of 2 at the seam
        assertEquals(5f, s[2 * w + 12]); // the gap between 2 and 3
        assertEquals(1f, s[2 * w + 15]); // inside 3, 3 px from 2
        assertEquals(1f, s[2 * w + 35]); // nucleus 4, alone
        assertEquals(1f, s[2 * w + 25]); // background far from everything
    }

    @Test
    void refusesABadRadiusOrWeight() {
        LabelImage l = new LabelImage(4, 4, new int[16]);
        assertThrows(IllegalArgumentException.class, () -> SeamWeights.of(l, 0, 1f));
        assertThrows(IllegalArgumentException.class, () -> SeamWeights.of(l, 1, -1f));
        assertThrows(IllegalArgumentException.class, () -> SeamWeights.of(l, 1, Float.NaN));
        assertArrayEquals(new float[16], minusOne(SeamWeights.of(l, 2, 3f)), "no nuclei: every weight 1");
    }

    private static float[] minusOne(float[] v) {
        float[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] -= 1f;
        }
        return out;
    }
}
