package dev.nucleon.segmentation.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.metrics.MeanAveragePrecision;

import org.junit.jupiter.api.Test;

/** Targets of every head, and the round trip target → {@link CoreWatershed} → the same instances. */
class HeadTest {
    /** Two touching 7×7 nuclei and one separate 5×5 nucleus on a 24×12 image. */
    static LabelImage touching() {
        int w = 24, h = 12;
        int[] l = new int[w * h];
        for (int y = 2; y < 9; y++) {
            for (int x = 1; x < 8; x++) {
                l[y * w + x] = 1;
                l[y * w + x + 7] = 2;
            }
        }
        for (int y = 3; y < 8; y++) {
            for (int x = 18; x < 23; x++) {
                l[y * w + x] = 3;
            }
        }
        return new LabelImage(w, h, l);
    }

    @Test
    void foregroundTargetDropsOnlyTheSeam() {
        LabelImage l = touching();
        float[] t = Head.FOREGROUND.target(l);
        assertEquals(l.width() * l.height(), t.length);
        // the seam: column 7 (last of nucleus 1) and column 8 (first of nucleus 2), rows 2..8
        for (int y = 2; y < 9; y++) {
            assertEquals(0f, t[y * 24 + 7]);
            assertEquals(0f, t[y * 24 + 8]);
            assertEquals(1f, t[y * 24 + 6]);
            assertEquals(1f, t[y * 24 + 9]);
        }
        assertEquals(1f, t[5 * 24 + 20]);
        assertEquals(0f, t[0]);
    }

    @Test
    void contourTargetKeepsTheWholeNucleusAndMarksTwoPixelRims() {
        LabelImage l = touching();
        float[] t = Head.CONTOUR.target(l);
        int n = 24 * 12;
        assertEquals(2 * n, t.length);
        int[] d = l.data();
        for (int i = 0; i < n; i++) {
            assertEquals(d[i] > 0 ? 1f : 0f, t[i], "nucleus channel at " + i);
        }
        // 5x5 nucleus 3 (x 18..22, y 3..7): rim of width 2 leaves only its centre (20, 5) as interior
        for (int y = 3; y < 8; y++) {
            for (int x = 18; x < 23; x++) {
                assertEquals(x == 20 && y == 5 ? 0f : 1f, t[n + y * 24 + x], "contour at " + x + "," + y);
            }
        }
        // 7x7 nuclei: interior 3x3 at the centre of each
        assertEquals(0f, t[n + 5 * 24 + 4]);
        assertEquals(1f, t[n + 5 * 24 + 6]);
        assertEquals(0f, t[n + 0]);
    }

    @Test
    void distanceTargetIsOneAtEachCentreAndNormalisedPerNucleus() {
        LabelImage l = touching();
        float[] t = Head.DISTANCE.target(l);
        int n = 24 * 12;
        float[] max = new float[4];
        for (int i = 0; i < n; i++) {
            int k = l.data()[i];
            assertEquals(k > 0 ? 1f : 0f, t[i]);
            if (k > 0) {
                assertTrue(t[n + i] > 0 && t[n + i] <= 1f, "distance in (0, 1] at " + i);
                max[k] = Math.max(max[k], t[n + i]);
            } else {
                assertEquals(0f, t[n + i]);
            }
        }
        assertArrayEquals(new float[] {0f, 1f, 1f, 1f}, max);
        assertEquals(1f, t[n + 5 * 24 + 4], "centre of nucleus 1");
        assertEquals(0.25f, t[n + 5 * 24 + 1], 1e-6, "rim of nucleus 1: distance 1 of 4");
    }

    @Test
    void aNucleusFillingTheWholePatchGetsFiniteTargets() {
        LabelImage all = new LabelImage(4, 4, new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
        for (Head h : Head.values()) {
            for (float v : h.target(all)) {
                assertTrue(Float.isFinite(v) && v >= 0 && v <= 1, h + ": " + v);
            }
        }
    }

    @Test
    void perfectOutputsDecodeToTheTruthForBothTwoChannelHeads() {
        LabelImage truth = touching();
        for (Head h : new Head[] {Head.CONTOUR, Head.DISTANCE}) {
            FloatImage out = new FloatImage(24, 12, 2, h.target(truth));
            LabelImage pred = CoreWatershed.of(h).withMinObjectArea(4).segment(out);
            assertEquals(3, pred.countLabels(), h.label());
            double score = MeanAveragePrecision.mean(java.util.List.of(MeanAveragePrecision.score("t", truth, pred)));
            assertTrue(score > 0.99, h.label() + " round trip score " + score);
        }
    }

    @Test
    void aComponentWithoutACoreStillBecomesOneNucleus() {
        int w = 20, n = w * w; // large enough that the background is no "small hole"
        float[] o = new float[2 * n];
        for (int y = 2; y < 6; y++) {
            for (int x = 2; x < 6; x++) {
                o[y * w + x] = 0.9f;          // nucleus
                o[n + y * w + x] = 0.9f;      // all contour, so no core above 0.5
            }
        }
        LabelImage l = CoreWatershed.of(Head.CONTOUR).withMinObjectArea(1).segment(new FloatImage(w, w, 2, o));
        assertEquals(1, l.countLabels());
        assertEquals(16, l.areas()[1]);
    }

    @Test
    void emptyOutputGivesAnEmptyLabelMap() {
        LabelImage l = CoreWatershed.of(Head.DISTANCE).segment(FloatImage.zeros(30, 20, 2));
        assertEquals(0, l.countLabels());
        assertEquals(30, l.width());
    }

    @Test
    void badArgumentsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> CoreWatershed.of(Head.FOREGROUND));
        assertThrows(IllegalArgumentException.class, () -> CoreWatershed.of(Head.CONTOUR).withThreshold(1f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CoreWatershed.of(Head.CONTOUR).segment(FloatImage.zeros(4, 4, 1)));
        assertTrue(e.getMessage().contains("2 channels"), e.getMessage());
        assertEquals(Head.DISTANCE, Head.parse(" Distance"));
        assertThrows(IllegalArgumentException.class, () -> Head.parse("stardist"));
    }
}
