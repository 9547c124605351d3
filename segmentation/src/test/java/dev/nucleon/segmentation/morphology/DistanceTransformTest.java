package dev.nucleon.segmentation.morphology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DistanceTransformTest {
    @Test
    void squareByHand() {
        FloatImage d = DistanceTransform.euclidean(BinaryMask.parse(
                ".....",
                ".###.",
                ".###.",
                ".###.",
                "....."));
        assertEquals(0f, d.get(0, 0));
        assertEquals(1f, d.get(1, 1));
        assertEquals(1f, d.get(2, 1));
        assertEquals(2f, d.get(2, 2));
    }

    @Test
    void outsideIsNotBackgroundAndNoBackgroundIsInfinite() {
        FloatImage d = DistanceTransform.euclidean(BinaryMask.parse("###.", "####"));
        assertEquals(3f, d.get(0, 0));
        assertEquals((float) Math.sqrt(10), d.get(0, 1), 1e-6f);
        assertTrue(Float.isInfinite(DistanceTransform.euclidean(BinaryMask.parse("##", "##")).get(0, 0)));
    }

    @Test
    void matchesBruteForceOnRandomMasks() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 30; trial++) {
            int w = 1 + rnd.nextInt(30), h = 1 + rnd.nextInt(30);
            boolean[] m = new boolean[w * h];
            double p = 0.5 + 0.5 * rnd.nextDouble();
            for (int i = 0; i < m.length; i++) {
                m[i] = rnd.nextDouble() < p;
            }
            m[rnd.nextInt(m.length)] = false;
            FloatImage d = DistanceTransform.euclidean(new BinaryMask(w, h, m));
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double best = m[y * w + x] ? Double.POSITIVE_INFINITY : 0;
                    for (int j = 0; j < m.length && m[y * w + x]; j++) {
                        if (!m[j]) {
                            best = Math.min(best, Math.hypot(j % w - x, j / w - y));
                        }
                    }
                    assertEquals(best, d.get(x, y), 1e-5, "trial " + trial + " at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void ofLabelsSeparatesTouchingNuclei() {
        FloatImage d = DistanceTransform.ofLabels(LabelImage.parse(
                "......",
                ".1122.",
                ".1122.",
                "......"));
        assertEquals(1f, d.get(1, 1));
        assertEquals(1f, d.get(2, 1), "touching pixel is 1 from the other nucleus");
        assertEquals(0f, d.get(0, 0));
        FloatImage edge = DistanceTransform.ofLabels(LabelImage.parse("111.", "1111"));
        assertEquals(3f, edge.get(0, 0));
    }
}
