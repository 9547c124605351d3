package dev.nucleon.segmentation.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.Tensor;
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
    void withoutSeedingAComponentWithoutACoreIsDroppedAndOneWithACoreKept() {
        int w = 20, n = w * w;
        float[] o = new float[2 * n];
        for (int y = 2; y < 6; y++) {
            for (int x = 2; x < 6; x++) {
                o[y * w + x] = 0.9f;               // a blob with distance at most 0.4: no core above 0.5
                o[n + y * w + x] = 0.4f;
                o[(y + 10) * w + x + 10] = 0.9f;   // a nucleus with a core at its centre
                o[n + (y + 10) * w + x + 10] = (x == 3 || x == 4) && (y == 3 || y == 4) ? 0.9f : 0.3f;
            }
        }
        FloatImage out = new FloatImage(w, w, 2, o);
        CoreWatershed step = CoreWatershed.of(Head.DISTANCE).withMinObjectArea(1);
        assertEquals(2, step.segment(out).countLabels(), "seeded by default");
        LabelImage kept = step.withSeedUnmarked(false).segment(out);
        assertEquals(1, kept.countLabels());
        assertEquals(16, kept.areas()[1]);
        assertEquals(0, kept.data()[3 * w + 3], "the core-less blob is background");
        assertEquals(1, kept.data()[13 * w + 13]);
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

    @Test
    void classesTargetIsOneHotInThreeClassTargetsOrder() {
        LabelImage l = touching();
        float[] t = Head.CLASSES.target(l);
        int n = 24 * 12;
        assertEquals(3 * n, t.length);
        for (int i = 0; i < n; i++) {
            assertEquals(1f, t[i] + t[n + i] + t[2 * n + i], 0f, "one class per pixel");
        }
        int centre = 5 * 24 + 4, rim = 5 * 24 + 7, outside = 0;
        assertEquals(1f, t[outside], "background");
        assertEquals(1f, t[n + centre], "interior");
        assertEquals(1f, t[2 * n + rim], "border where nuclei 1 and 2 touch");
    }

    @Test
    void classesMapsAreNucleusAndInteriorOfTheNormalisedScoresAndDecodeToTheTruth() {
        // scores (background, interior, border) = (0.2, 0.6, 0.2) -> sum 1 -> maps (0.8, 0.6); doubled scores alike
        for (float scale : new float[] {1f, 2f}) {
            Tensor y = Tensor.of(new float[] {0.2f * scale, 0.6f * scale, 0.2f * scale}, 1, 3, 1, 1);
            float[] m = Head.CLASSES.maps(y).toArray();
            assertArrayEquals(new float[] {0.8f, 0.6f}, m, 1e-6f);
        }
        assertEquals(2, Head.CLASSES.mapCount());
        assertEquals(3, Head.CLASSES.channels());
        LabelImage truth = touching();
        Tensor perfect = Tensor.of(Head.CLASSES.target(truth), 1, 3, 12, 24);
        float[] maps = Head.CLASSES.maps(perfect).toArray();
        LabelImage pred = CoreWatershed.of(Head.CLASSES).withMinObjectArea(4).segment(new FloatImage(24, 12, 2, maps));
        assertEquals(3, pred.countLabels());
        double score = MeanAveragePrecision.mean(java.util.List.of(MeanAveragePrecision.score("t", truth, pred)));
        assertTrue(score > 0.99, "round trip score " + score);
    }

    @Test
    void fromNetworkUpsamplesAHalfSizeOutputAndTakesTheNucleusClassOfTwo() {
        // (1, 2, 2, 2) softmax-like output: class 1 = 0.25, 0.75 / 0.75, 0.25 -> (1, 1, 4, 4), bilinear x2
        Tensor y = Tensor.of(new float[] {0.75f, 0.25f, 0.25f, 0.75f, 0.25f, 0.75f, 0.75f, 0.25f}, 1, 2, 2, 2);
        Tensor p = Head.FOREGROUND.fromNetwork(y, 4, 4);
        assertArrayEquals(new int[] {1, 1, 4, 4}, p.shape());
        float[] v = p.toArray();
        assertEquals(0.25f, v[0], 1e-6f, "corner keeps its value (half-pixel centres, edge clamped)");
        assertEquals(0.375f, v[1], 1e-6f, "0.75·0.25 + 0.25·0.75 between the first two columns");
        Tensor same = Tensor.of(new float[16], 1, 1, 4, 4);
        assertSame(same, Head.FOREGROUND.fromNetwork(same, 4, 4), "an output of the input's size is unchanged");
        assertSame(same, Head.DISTANCE.maps(same));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Head.FOREGROUND.fromNetwork(Tensor.of(new float[9], 1, 1, 3, 3), 4, 4));
        assertTrue(e.getMessage().contains("4x4 to 3x3"), e.getMessage());
    }
}
