package dev.nucleon.segmentation.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileReader;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceErrorsTest {

    private static InstanceErrors of(String[] truth, String[] pred) {
        return InstanceErrors.of(LabelImage.parse(truth), LabelImage.parse(pred));
    }

    @Test
    void identicalMapsMatchEveryNucleus() {
        String[] t = {"11..2", "11..2", "...33"};
        assertEquals(new InstanceErrors(3, 3, 3, 0, 0, 0, 0), of(t, t));
    }

    @Test
    void oneBlobOverTwoNucleiMergesBoth() {
        // IoU of each half with the blob is 4/8 = 0.5, not above: no match; the blob holds both
        InstanceErrors e = of(new String[] {"1122", "1122"}, new String[] {"1111", "1111"});
        assertEquals(new InstanceErrors(2, 1, 0, 2, 0, 0, 1), e);
    }

    @Test
    void aSmallNucleusSwallowedByTheMatchOfABigOneIsMerged() {
        // T1 (8 px) matches the blob with IoU 0.8; T2 (2 px) is held by that same blob
        InstanceErrors e = of(new String[] {"11112", "11112"}, new String[] {"11111", "11111"});
        assertEquals(new InstanceErrors(2, 1, 1, 1, 0, 0, 0), e);
    }

    @Test
    void aNucleusCutInTwoHalvesIsSplit() {
        // each half covers 50 %: no holder (> 50 % needed), IoU 0.5 (no match), two pieces covering 100 %
        InstanceErrors e = of(new String[] {"111111", "111111"}, new String[] {"111222", "111222"});
        assertEquals(new InstanceErrors(1, 2, 0, 0, 1, 0, 2), e);
    }

    @Test
    void splitPiecesMustEachCoverTenPercentAndTogetherMoreThanHalf() {
        String[] t = {"11111111111111111111"};
        // pieces of 9 and 2 px: 45 % + 10 % = 55 %: split
        assertEquals(1, of(t, new String[] {"22222222233........."}).split());
        // pieces of 9 and 1 px: the 5 % piece does not count, one piece left: missed
        InstanceErrors small = of(t, new String[] {"222222222.3........."});
        assertEquals(0, small.split());
        assertEquals(1, small.missed());
        // pieces of 5 and 5 px: two pieces but only 50 % covered: missed
        assertEquals(1, of(t, new String[] {"22222.....33333....."}).missed());
    }

    @Test
    void noOrTooLittleOrOversizedPredictionIsMissed() {
        String[] t = {"11..", "11..", "...."};
        assertEquals(new InstanceErrors(1, 0, 0, 0, 0, 1, 0), of(t, new String[] {"....", "....", "...."}));
        // one pixel of four: not held, one piece
        assertEquals(new InstanceErrors(1, 1, 0, 0, 0, 1, 1), of(t, new String[] {"1...", "....", "...."}));
        // held by a prediction three times its size that holds nothing else: IoU 4/12, missed (badly outlined)
        assertEquals(new InstanceErrors(1, 1, 0, 0, 0, 1, 1), of(t, new String[] {"1111", "1111", "1111"}));
    }

    @Test
    void predictionsOnBackgroundAreFalsePositives() {
        InstanceErrors e = of(new String[] {"11..", "11..", "...."}, new String[] {"11.2", "11..", "3..."});
        assertEquals(new InstanceErrors(1, 3, 1, 0, 0, 0, 2), e);
    }

    @Test
    void countsAgreeWithTheScoreAtIou05AndAddUp() throws IOException {
        LabelImage truth = ImageFileReader.readLabels(TestData.labels(TestData.GRAY_ID));
        // a prediction that shifts every nucleus by 2 px to the right and merges labels 1 and 2
        int w = truth.width(), h = truth.height();
        int[] p = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 2; x < w; x++) {
                int v = truth.get(x - 2, y);
                p[y * w + x] = v == 2 ? 1 : v;
            }
        }
        LabelImage pred = new LabelImage(w, h, p);
        InstanceErrors e = InstanceErrors.of(truth, pred);
        ImageScore s = MeanAveragePrecision.score("x", truth, pred);
        assertEquals(s.truePositives()[0], e.matched());
        assertEquals(s.falsePositives(0), e.falsePositives());
        assertEquals(s.falseNegatives(0), e.merged() + e.split() + e.missed());
        assertEquals(17, e.truth());
        assertTrue(e.matched() > 0 && e.matched() < 17, e.toString());
    }

    @Test
    void sumsOverImagesAndRejectsCountsThatDoNotAddUp() {
        InstanceErrors a = new InstanceErrors(2, 1, 0, 2, 0, 0, 1);
        InstanceErrors b = new InstanceErrors(1, 2, 0, 0, 1, 0, 2);
        assertEquals(new InstanceErrors(3, 3, 0, 2, 1, 0, 3), a.plus(b));
        assertEquals(a.plus(b), InstanceErrors.sum(List.of(a, b)));
        assertEquals(InstanceErrors.ZERO, InstanceErrors.sum(List.of()));
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> new InstanceErrors(3, 1, 1, 1, 0, 0, 0));
        assertTrue(x.getMessage().contains("truth 3"), x.getMessage());
    }
}
