package dev.nucleon.segmentation.instance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import org.junit.jupiter.api.Test;

/**
 * Paper 004's instance step: threshold, hole filling and speck removal below {@value Paper004PostProcessing#AREA} px,
 * no watershed.
 */
class Paper004PostProcessingTest {
    private static final int W = 60, H = 40;

    /** Probability 0.9 where {@code in} holds, 0.1 elsewhere, one channel. */
    private interface Shape {
        boolean in(int x, int y);
    }

    private static FloatImage probability(Shape s) {
        float[] p = new float[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                p[y * W + x] = s.in(x, y) ? 0.9f : 0.1f;
            }
        }
        return new FloatImage(W, H, 1, p);
    }

    private static boolean square(int x, int y, int x0, int y0, int side) {
        return x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
    }

    @Test
    void theLimitIs64Pixels() {
        assertEquals(64, Paper004PostProcessing.AREA, "the hand-worked areas below assume 64");
    }

    @Test
    void aHoleSmallerThanTheLimitIsFilledOneOfTheLimitIsNot() {
        // a 20×20 square (400 px) with a 3×3 hole (9 px < 64): filled, one object of 400 px
        LabelImage small = Paper004PostProcessing.defaults().segment(probability((x, y) -> square(x, y, 5, 5, 20)
                && !square(x, y, 12, 12, 3)));
        assertEquals(1, small.countLabels());
        assertEquals(400, small.areas()[1]);
        // a 7×9 hole (63 px < 64) is filled too
        LabelImage just = Paper004PostProcessing.defaults().segment(probability((x, y) -> square(x, y, 5, 5, 30)
                && !(x >= 14 && x < 21 && y >= 14 && y < 23)));
        assertEquals(900, just.areas()[1]);
        // an 8×8 hole (64 px, not < 64) in a 30×30 square (900 px) stays: 900 − 64 = 836 px
        LabelImage large = Paper004PostProcessing.defaults().segment(probability((x, y) -> square(x, y, 5, 5, 30)
                && !square(x, y, 14, 14, 8)));
        assertEquals(1, large.countLabels());
        assertEquals(836, large.areas()[1]);
    }

    @Test
    void aSpeckIsRemovedAnObjectOfTheLimitIsKept() {
        // a 3×3 speck (9 px) and a 7×9 blob (63 px) are removed; an 8×8 square (exactly 64 px, not < 64) stays
        LabelImage l = Paper004PostProcessing.defaults().segment(probability((x, y) -> square(x, y, 2, 2, 3)
                || (x >= 10 && x < 17 && y >= 20 && y < 29) || square(x, y, 30, 10, 8)));
        assertEquals(1, l.countLabels());
        assertEquals(64, l.areas()[1]);
        assertEquals(0, l.data()[3 * W + 3], "the speck is background");
        assertEquals(0, l.data()[22 * W + 12], "the 63 px blob is background");
    }

    @Test
    void twoTouchingBlobsStayOneObjectWithoutWatershed() {
        // two discs of radius 9 whose centres are 16 px apart: one blob with a waist
        Shape discs = (x, y) -> Math.hypot(x - 20, y - 20) <= 9 || Math.hypot(x - 36, y - 20) <= 9;
        FloatImage p = probability(discs);
        assertEquals(1, Paper004PostProcessing.defaults().segment(p).countLabels(), "no watershed: one object");
        assertEquals(2, InstanceSegmentation.defaults().withPeakMarkers(12).segment(p).countLabels(),
                "the watershed step splits them");
        // squares touching only at a corner are one 8-connected object
        LabelImage corner = Paper004PostProcessing.defaults().segment(probability((x, y) -> square(x, y, 5, 5, 12)
                || square(x, y, 17, 17, 12)));
        assertEquals(1, corner.countLabels());
    }

    @Test
    void theThresholdIsStrictAndTheSecondChannelIgnored() {
        float[] two = new float[2 * W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                two[y * W + x] = square(x, y, 5, 5, 12) ? 0.5f : square(x, y, 30, 5, 12) ? 0.6f : 0f;
                two[W * H + y * W + x] = (x + y) % 2; // a checkerboard contour/distance channel: would cut everything
            }
        }
        FloatImage out = new FloatImage(W, H, 2, two);
        LabelImage l = Paper004PostProcessing.defaults().segment(out);
        assertEquals(1, l.countLabels(), "0.5 is not > 0.5: only the 0.6 square");
        assertEquals(144, l.areas()[1]);
        assertEquals(2, Paper004PostProcessing.segment(out, 0.4f).countLabels());
        float[] first = new float[W * H];
        System.arraycopy(two, 0, first, 0, first.length);
        assertArrayEquals(Paper004PostProcessing.segment(new FloatImage(W, H, 1, first), 0.4f).data(),
                Paper004PostProcessing.segment(out, 0.4f).data());
    }

    @Test
    void namesParseAndUnknownOnesListTheKnown() {
        assertEquals(PostProcessing.PAPER004, PostProcessing.parse(" Paper004"));
        assertEquals(PostProcessing.WATERSHED, PostProcessing.parse("watershed"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PostProcessing.parse("stardist"));
        assertEquals("post-processing 'stardist': expected one of watershed, paper004", e.getMessage());
    }
}
