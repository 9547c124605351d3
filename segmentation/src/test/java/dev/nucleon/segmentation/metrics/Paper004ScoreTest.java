package dev.nucleon.segmentation.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.LabelImage;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Paper 004's average IoU and precision on label maps worked out by hand. Thresholds T_k = 0.50, 0.55, …, 0.95
 * (10 of them); a truth nucleus is a TP at T_k when its best IoU is strictly above T_k; FP = predictions that
 * overlap no truth pixel; precision = mean_k TP_k / (N_g + FP); average IoU = mean_k (Σ recorded IoU) / N_g.
 */
class Paper004ScoreTest {
    private static final double EPS = 1e-12;

    @Test
    void perfectMatchScoresOneOnBoth() {
        LabelImage truth = LabelImage.parse(
                "11....",
                "11..22",
                "....22");
        // every truth found with IoU 1 > every T_k; no false positive
        Paper004Score s = Paper004Score.of(truth, truth);
        assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, s.truePositives());
        assertEquals(0, s.falsePositives());
        assertEquals(1.0, s.precision(), EPS);
        assertEquals(1.0, s.averageIou(), EPS);
    }

    @Test
    void predictionOnBackgroundIsAFalsePositiveButOneTouchingATruthIsNot() {
        LabelImage truth = LabelImage.parse(
                "11....",
                "11....",
                "......",
                "..2222",
                "..2222",
                "......");
        LabelImage pred = LabelImage.parse(
                "11....",
                "11....",
                ".....4",
                "..3...",
                "......",
                "......");
        // truth 1 (4 px) = pred 1: IoU 1, a TP at every T_k.
        // truth 2 (8 px) and pred 3 (1 px) share 1 px: IoU 1/8 = 0.125 — truth 2 is a FN at every T_k, and pred 3
        //   is NOT a false positive (it overlaps a truth nucleus), paper 004's loose rule.
        // pred 4 (1 px) overlaps no truth pixel: the only false positive.
        // paper 004: precision_k = TP/(TP + FN + FP) = 1/(1 + 1 + 1) = 1/3 at every k → 1/3;
        //            average IoU = (1 + 0)/2 = 0.5 at every k → 0.5.
        // official:  TP = 1, FP = 2 (pred 3 and pred 4), FN = 1 → 1/4 at every t → 0.25.
        Paper004Score s = Paper004Score.of(truth, pred);
        assertEquals(2, s.truthCount());
        assertEquals(3, s.predCount());
        assertEquals(1, s.falsePositives());
        for (int k = 0; k < 10; k++) {
            assertEquals(1, s.truePositives()[k]);
            assertEquals(1, s.falseNegatives(k));
            assertEquals(1.0 / 3.0, s.precisionAt(k), EPS);
        }
        assertEquals(1.0 / 3.0, s.precision(), EPS);
        assertEquals(0.5, s.averageIou(), EPS);
        ImageScore official = MeanAveragePrecision.score("x", truth, pred);
        assertEquals(2, official.falsePositives(0), "the official score counts pred 3 as a false positive too");
        assertEquals(0.25, official.score(), EPS);
        assertEquals(s.precision(), official.paper004().precision(), EPS, "ImageScore carries the same score");
    }

    @Test
    void lowIouOverlapCostsNothingBeyondTheMissedTruth() {
        LabelImage truth = LabelImage.parse("11..2222");
        LabelImage lowOverlap = LabelImage.parse("11..3...");
        LabelImage nothing = LabelImage.parse("11......");
        // truth 2 (4 px) vs pred 3 (1 px): IoU 1/4 < 0.5 → truth 2 is a FN, pred 3 no FP:
        // precision = 1/(1 + 1 + 0) = 0.5, exactly as if pred 3 were not there; the official score drops to 1/3.
        Paper004Score s = Paper004Score.of(truth, lowOverlap);
        assertEquals(0, s.falsePositives());
        assertEquals(0.5, s.precision(), EPS);
        assertEquals(0.5, s.averageIou(), EPS);
        assertEquals(s.precision(), Paper004Score.of(truth, nothing).precision(), EPS);
        assertEquals(1.0 / 3.0, MeanAveragePrecision.score("x", truth, lowOverlap).score(), EPS);
        assertEquals(0.5, MeanAveragePrecision.score("x", truth, nothing).score(), EPS);
    }

    @Test
    void missedCell() {
        LabelImage truth = LabelImage.parse(
                "11..22",
                "11..22");
        LabelImage pred = LabelImage.parse(
                "11....",
                "11....");
        // truth 1 found (IoU 1), truth 2 missed: TP_k = 1, FN_k = 1, FP = 0 → precision 1/2; average IoU (1 + 0)/2
        Paper004Score s = Paper004Score.of(truth, pred);
        assertEquals(0, s.falsePositives());
        assertEquals(0.5, s.precision(), EPS);
        assertEquals(0.5, s.averageIou(), EPS);
    }

    @Test
    void splitNucleus() {
        LabelImage truth = LabelImage.parse("1111111111");
        LabelImage pred = LabelImage.parse("111111.222");
        // truth (10 px) vs pred 1 (6 px): IoU 0.6; vs pred 2 (3 px): IoU 0.3. Best IoU 0.6 > T for T = 0.50, 0.55 only.
        // TP = [1, 1, 0, …, 0], FP = 0 (both pieces overlap the truth): precision = (1 + 1)/10 = 0.2;
        // average IoU = (0.6 + 0.6 + 0·8)/10 = 0.12.
        // official: t = 0.50, 0.55: TP 1, FP 1, FN 0 → 1/2; above: TP 0, FP 2, FN 1 → 0; score (0.5 + 0.5)/10 = 0.1.
        Paper004Score s = Paper004Score.of(truth, pred);
        assertArrayEquals(new int[] {1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, s.truePositives());
        assertEquals(0, s.falsePositives());
        assertEquals(0.2, s.precision(), EPS);
        assertEquals(0.12, s.averageIou(), EPS);
        assertEquals(0.1, MeanAveragePrecision.score("x", truth, pred).score(), EPS);
    }

    @Test
    void mergedNuclei() {
        LabelImage truth = LabelImage.parse("111111222.");
        LabelImage pred = LabelImage.parse("3333333333");
        // one blob (10 px) over truth 1 (6 px): IoU 0.6, and over truth 2 (3 px): IoU 0.3.
        // TP = [1, 1, 0, …], N_g = 2, FP = 0: precision = (1/2 + 1/2)/10 = 0.1;
        // average IoU = ((0.6 + 0)/2 · 2)/10 = 0.06.
        Paper004Score s = Paper004Score.of(truth, pred);
        assertArrayEquals(new int[] {1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, s.truePositives());
        assertEquals(0, s.falsePositives());
        assertEquals(0.1, s.precision(), EPS);
        assertEquals(0.06, s.averageIou(), EPS);
    }

    @Test
    void touchingTruthNucleiAreOneObjectWhenTheTruthIsTakenAsConnectedRegions() {
        LabelImage truth = LabelImage.parse(
                "1122..",
                "1122..");
        LabelImage pred = LabelImage.parse(
                "3333..",
                "3333..");
        // as given: the blob (8 px) has IoU 4/8 = 0.5 with each truth nucleus, not > 0.5 → both missed, the blob is
        //   no FP (it overlaps them): precision 0/(2 + 0) = 0, average IoU 0.
        // as connected regions: the two touching nuclei are one 8 px region = the blob: IoU 1 → precision 1, IoU 1.
        Paper004Score given = Paper004Score.of(truth, pred);
        assertEquals(0.0, given.precision(), EPS);
        assertEquals(0.0, given.averageIou(), EPS);
        Paper004Score regions = Paper004Score.ofConnectedRegions(truth, pred, MeanAveragePrecision.dsb2018Thresholds());
        assertEquals(1, regions.truthCount());
        assertEquals(1.0, regions.precision(), EPS);
        assertEquals(1.0, regions.averageIou(), EPS);
        // diagonal contact joins regions too (8-connectivity)
        assertEquals(1, Paper004Score.connectedRegions(LabelImage.parse("1.", ".2")).countLabels());
        ImageScore s = MeanAveragePrecision.score("x", truth, pred);
        assertEquals(1.0, s.paper004Regions().precision(), EPS, "an image scored from its label maps carries both");
        assertEquals(0.0, s.paper004().precision(), EPS);
    }

    @Test
    void averageIouIsTheMeanOverThresholdsNotTheIouAtHalf() {
        LabelImage truth = LabelImage.parse("1111111111");
        LabelImage pred = LabelImage.parse("1111111...");
        // IoU 7/10 = 0.7 is above T = 0.50, 0.55, 0.60, 0.65 (not 0.70): recorded 4 times of 10 →
        // average IoU 4·0.7/10 = 0.28, precision 4/10 = 0.4; the single-threshold reading (AverageIou) gives 0.7.
        Paper004Score s = Paper004Score.of(truth, pred);
        assertEquals(0.28, s.averageIou(), EPS);
        assertEquals(0.4, s.precision(), EPS);
        assertEquals(0.7, MeanAveragePrecision.score("x", truth, pred).averageIou(), EPS);
        assertTrue(s.precision() > s.averageIou(), "as in every row of paper 004's tables");
    }

    @Test
    void emptyImagesFollowTheOfficialConvention() {
        LabelImage none = LabelImage.empty(3, 1);
        LabelImage some = LabelImage.parse("1.2");
        Paper004Score both = Paper004Score.of(none, none);
        assertEquals(1.0, both.precision());
        assertEquals(1.0, both.averageIou());
        Paper004Score onlyPred = Paper004Score.of(none, some);
        assertEquals(2, onlyPred.falsePositives(), "nothing to overlap: every prediction is a false positive");
        assertEquals(0.0, onlyPred.precision());
        assertEquals(0.0, onlyPred.averageIou());
        Paper004Score onlyTruth = Paper004Score.of(some, none);
        assertEquals(0.0, onlyTruth.precision());
        assertEquals(0.0, onlyTruth.averageIou());
    }

    @Test
    void datasetMeanAndPopulationStd() {
        Paper004Score a = Paper004Score.of(LabelImage.parse("1111111111"), LabelImage.parse("1111111..."));
        Paper004Score b = Paper004Score.of(LabelImage.parse("11"), LabelImage.parse("11"));
        // average IoU 0.28 and 1 → mean 0.64, std 0.36; precision 0.4 and 1 → mean 0.7, std 0.3
        Paper004Score.Summary s = Paper004Score.summarize(List.of(a, b));
        assertEquals(0.64, s.averageIou(), EPS);
        assertEquals(0.36, s.averageIouStd(), EPS);
        assertEquals(0.7, s.precision(), EPS);
        assertEquals(0.3, s.precisionStd(), EPS);
        assertEquals(2, s.images());
        assertTrue(Double.isNaN(Paper004Score.summarize(List.of()).precision()));
    }

    @Test
    void thresholdsBelowHalfAreRefused() {
        LabelOverlap o = LabelOverlap.of(LabelImage.parse("1"), LabelImage.parse("1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Paper004Score.of(o, new double[] {0.3}));
        assertTrue(e.getMessage().contains("0.3"), e.getMessage());
    }

    @Test
    void reportsShowBothScoresOnlyWhenAsked() {
        LabelImage truth = LabelImage.parse("11..2222");
        LabelImage pred = LabelImage.parse("11..3...");
        ImageScore s = MeanAveragePrecision.score("x", truth, pred);
        EvaluationReport r = new EvaluationReport(List.of(new EvaluationReport.ImageResult("x", s,
                PixelMetrics.of(truth, pred), null)), List.of(), MeanAveragePrecision.dsb2018Thresholds());
        assertEquals(0.5, r.paper004().precision(), EPS);
        String official = r.toText(), both = r.toText(EvaluationMetric.PAPER004);
        assertTrue(!official.contains("paper 004") && both.contains("avg IoU (paper 004)  0.5000 ± 0.0000"), both);
        assertTrue(both.contains("precision (004)      0.5000 ± 0.0000"), both);
        assertTrue(both.contains("mean AP (DSB2018)    0.3333"), both);
        assertTrue(both.contains("004, truth as connected regions: avg IoU 0.5000 ± 0.0000, precision 0.5000 ± 0.0000"),
                both);
        String json = r.toJson(null, EvaluationMetric.PAPER004);
        JsonSyntax.check(json);
        assertTrue(json.contains("\"paper004\":{\"avg_iou\":0.5,\"avg_iou_std\":0.0,\"precision\":0.5"), json);
        assertTrue(json.contains("\"paper004_fp\":0"), json);
        assertTrue(json.contains("\"truth_as_connected_regions\":{\"avg_iou\":0.5,"), json);
        assertTrue(!r.toJson().contains("paper004"));
        KindReport k = KindReport.of(List.of(new KindReport.Image("x", s, InstanceErrors.of(truth, pred))),
                java.util.Map.of());
        String table = k.toText(EvaluationMetric.PAPER004);
        assertTrue(table.lines().findFirst().orElseThrow()
                .matches("kind +images +score +avg IoU 004 +± IoU +prec 004 +AP@0\\.5.*"), table);
        assertTrue(table.contains("0.3333       0.5000  0.0000    0.5000"), table);
        assertTrue(k.toJson(EvaluationMetric.PAPER004).contains("\"paper004_precision\":0.5"));
        assertEquals(EvaluationMetric.PAPER004, EvaluationMetric.parse(" Paper004 "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EvaluationMetric.parse("kaggle")).getMessage()
                .contains("official, paper004"));
    }
}
