package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The pasting rules by hand: resize to the box, threshold, score order, no overlaps, remnants and low scores dropped. */
class MaskPastingTest {

    /** Detections with all-p masks (M = 4): boxes x1, y1, x2, y2 per detection. */
    private static RoiHeads.Detections uniform(float[] scores, float[] probabilities, float... boxes) {
        int d = scores.length, m = 4;
        float[] masks = new float[d * m * m];
        for (int j = 0; j < d; j++) {
            java.util.Arrays.fill(masks, j * m * m, (j + 1) * m * m, probabilities[j]);
        }
        return new RoiHeads.Detections(boxes, scores, new int[d], Tensor.of(masks, d, 1, m, m));
    }

    @Test
    void noDetectionsGiveAnEmptyLabelImage() {
        RoiHeads.Detections none = new RoiHeads.Detections(new float[0], new float[0], new int[0],
                Tensor.zeros(0, 1, 28, 28));
        LabelImage l = new MaskPasting(0.5f, 0.5f, 0).paste(none, 7, 5);
        assertEquals(LabelImage.empty(7, 5), l);
        assertEquals(0f, new MaskPasting(0.5f, 0.5f, 0).probability(none, 7, 5).max());
    }

    @Test
    void aBoxIsFilledWherePixelCentresLieInsideIt() {
        // box (1, 1)-(4, 3): pixel centres x 1.5 … 3.5, y 1.5 … 2.5
        LabelImage l = new MaskPasting(0.5f, 0.5f, 0).paste(uniform(new float[] {0.9f}, new float[] {0.8f},
                1, 1, 4, 3), 6, 4);
        assertEquals(LabelImage.parse(
                "000000",
                "011100",
                "011100",
                "000000"), l);
    }

    @Test
    void higherScoresPaintFirstAndKeepTheirPixelsWhateverTheOrderGiven() {
        // detection 0 scores lower and covers x 0..3; detection 1 scores higher and covers x 2..5: overlap x 2..3
        RoiHeads.Detections det = uniform(new float[] {0.6f, 0.95f}, new float[] {0.9f, 0.9f},
                0, 0, 4, 2, 2, 0, 6, 2);
        LabelImage l = new MaskPasting(0.5f, 0.5f, 0).paste(det, 6, 2);
        assertEquals(LabelImage.parse(
                "221111",
                "221111"), l);
    }

    @Test
    void masksBelowTheThresholdLowScoresAndRemnantsAreDropped() {
        // 0: score 0.9, mask p 0.4 < 0.5: nothing; 1: score 0.3 < minScore: left out;
        // 2: score 0.8 covers x 0..4; 3: score 0.7 covers x 3..5, only x 5 is its own (2 px < minArea 3): dropped
        RoiHeads.Detections det = uniform(new float[] {0.9f, 0.3f, 0.8f, 0.7f}, new float[] {0.4f, 0.9f, 0.9f, 0.9f},
                0, 0, 6, 2, 0, 0, 6, 2, 0, 0, 5, 2, 3, 0, 6, 2);
        LabelImage l = new MaskPasting(0.5f, 0.5f, 3).paste(det, 6, 2);
        assertEquals(LabelImage.parse(
                "111110",
                "111110"), l);
        FloatImage p = new MaskPasting(0.5f, 0.5f, 3).probability(det, 6, 2);
        assertEquals(0.9f, p.get(5, 0), 1e-6f, "probability: the largest over the kept-score detections");
    }

    @Test
    void theMaskIsResizedToItsBoxBilinearly() {
        // a 4x4 mask whose left half is 1 and right half 0, over an 8-wide box: x < 4 inside, x >= 4 outside
        float[] m = new float[16];
        for (int y = 0; y < 4; y++) {
            m[y * 4] = 1;
            m[y * 4 + 1] = 1;
        }
        RoiHeads.Detections det = new RoiHeads.Detections(new float[] {0, 0, 8, 2}, new float[] {0.9f}, new int[1],
                Tensor.of(m, 1, 1, 4, 4));
        LabelImage l = new MaskPasting(0.5f, 0.5f, 0).paste(det, 8, 2);
        assertEquals(LabelImage.parse(
                "11110000",
                "11110000"), l);
    }

    @Test
    void outOfRangeSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MaskPasting(1.5f, 0.5f, 0));
        assertThrows(IllegalArgumentException.class, () -> new MaskPasting(0.5f, 1f, 0));
        assertThrows(IllegalArgumentException.class, () -> new MaskPasting(0.5f, 0.5f, -1));
    }
}
