package dev.nucleon.segmentation.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.JsonWriter;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final double EPS = 1e-12;

    @Test
    void dsbScoreByHandWithIouExactlyHalfNotAHit() {
        LabelImage truth = LabelImage.parse(
                "11..22",
                "11..22");
        LabelImage pred = LabelImage.parse(
                "11..33",
                "11....");
        // pred 1 = truth 1 (IoU 1); pred 3 covers half of truth 2: IoU 2/4 = 0.5, not > 0.5
        ImageScore s = MeanAveragePrecision.score("x", truth, pred);
        assertEquals(2, s.truthCount());
        assertEquals(2, s.predCount());
        for (int k = 0; k < 10; k++) {
            assertEquals(1, s.truePositives()[k]);
            assertEquals(1, s.falsePositives(k));
            assertEquals(1, s.falseNegatives(k));
            assertEquals(1.0 / 3.0, s.scoreByThreshold()[k], EPS);
        }
        assertEquals(1.0 / 3.0, s.score(), EPS);
        assertEquals(0.5, s.averageIou(), EPS, "truth 1 → 1.0, truth 2 → 0 (not matched)");
        assertEquals(0, s.countError());
    }

    @Test
    void iouOfSevenTenthsHitsFourThresholds() {
        LabelImage truth = LabelImage.parse("1111111111");
        LabelImage pred = LabelImage.parse("1111111...");
        // IoU = 7/10: a hit at 0.50, 0.55, 0.60, 0.65 (strictly greater), a miss at 0.70 and above
        ImageScore s = MeanAveragePrecision.score("x", truth, pred);
        assertArrayEquals(new int[] {1, 1, 1, 1, 0, 0, 0, 0, 0, 0}, s.truePositives());
        assertArrayEquals(new double[] {1, 1, 1, 1, 0, 0, 0, 0, 0, 0}, s.scoreByThreshold(), EPS);
        assertEquals(0.4, s.score(), EPS);
        assertEquals(0.7, s.averageIou(), EPS);
    }

    @Test
    void emptyCases() {
        LabelImage some = LabelImage.parse("1.2");
        LabelImage none = LabelImage.empty(3, 1);
        ImageScore emptyPred = MeanAveragePrecision.score("a", some, none);
        assertEquals(0.0, emptyPred.score());
        assertEquals(0.0, emptyPred.averageIou());
        assertEquals(-2, emptyPred.countError());
        ImageScore emptyTruth = MeanAveragePrecision.score("b", none, some);
        assertEquals(0.0, emptyTruth.score());
        assertEquals(0.0, emptyTruth.averageIou());
        ImageScore both = MeanAveragePrecision.score("c", none, none);
        assertEquals(1.0, both.score(), "both empty: 1 by convention, see MeanAveragePrecision");
        assertEquals(1.0, both.averageIou());
        assertEquals(1.0 / 3.0, MeanAveragePrecision.mean(List.of(emptyPred, emptyTruth, both)), EPS);
    }

    @Test
    void thresholdsAreTheContestsAndBelowHalfIsRefused() {
        double[] t = MeanAveragePrecision.dsb2018Thresholds();
        assertEquals(10, t.length);
        assertEquals(0.5, t[0]);
        assertEquals(0.95, t[9]);
        assertEquals(0.55, t[1]);
        LabelOverlap o = LabelOverlap.of(LabelImage.parse("1"), LabelImage.parse("1"));
        assertThrows(IllegalArgumentException.class,
                () -> MeanAveragePrecision.score("x", o, new double[] {0.3}, 0.5));
    }

    @Test
    void overlapHistogramMatchesBruteForceIou() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            int w = 5 + rnd.nextInt(20), h = 5 + rnd.nextInt(20);
            int[] a = new int[w * h], b = new int[w * h];
            int ka = 1 + rnd.nextInt(6), kb = 1 + rnd.nextInt(6);
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextInt(ka + 1) * 3; // non-contiguous label values
                b[i] = rnd.nextInt(kb + 1) + (rnd.nextBoolean() ? 0 : 100000);
                if (b[i] == 100000) {
                    b[i] = 0;
                }
            }
            LabelImage ta = new LabelImage(w, h, a), pb = new LabelImage(w, h, b);
            LabelOverlap o = LabelOverlap.of(ta, pb);
            int[] tv = java.util.Arrays.stream(a).filter(v -> v > 0).distinct().sorted().toArray();
            int[] pv = java.util.Arrays.stream(b).filter(v -> v > 0).distinct().sorted().toArray();
            assertEquals(tv.length, o.truthCount());
            assertEquals(pv.length, o.predCount());
            int pairs = 0;
            for (int i = 0; i < tv.length; i++) {
                for (int j = 0; j < pv.length; j++) {
                    long inter = 0, uni = 0;
                    for (int p = 0; p < a.length; p++) {
                        boolean x = a[p] == tv[i], y = b[p] == pv[j];
                        inter += x && y ? 1 : 0;
                        uni += x || y ? 1 : 0;
                    }
                    if (inter > 0) {
                        pairs++;
                        boolean found = false;
                        for (int k = 0; k < o.pairCount(); k++) {
                            if (o.pairTruth(k) == i && o.pairPrediction(k) == j) {
                                assertEquals(inter / (double) uni, o.iou(k), EPS);
                                found = true;
                            }
                        }
                        assertEquals(true, found);
                    }
                }
            }
            assertEquals(pairs, o.pairCount());
        }
    }

    @Test
    void pixelMetricsByHand() {
        LabelImage truth = LabelImage.parse("1111......");
        LabelImage pred = LabelImage.parse(".2223.....");
        PixelMetrics p = PixelMetrics.of(truth, pred);
        assertEquals(new PixelMetrics(3, 1, 1, 5), p);
        assertEquals(0.8, p.accuracy(), EPS);
        assertEquals(0.75, p.precision(), EPS);
        assertEquals(0.75, p.recall(), EPS);
        assertEquals(0.75, p.f1(), EPS);
        assertEquals(0.6, p.jaccard(), EPS);
        assertEquals(0.75, p.dice(), EPS);
        PixelMetrics empty = PixelMetrics.of(LabelImage.empty(2, 1), LabelImage.empty(2, 1));
        assertEquals(1.0, empty.precision());
        assertEquals(1.0, empty.recall());
        assertEquals(1.0, empty.jaccard());
        PixelMetrics missed = PixelMetrics.of(LabelImage.parse("1."), LabelImage.empty(2, 1));
        assertEquals(0.0, missed.precision());
        assertEquals(0.0, missed.recall());
        assertEquals(new PixelMetrics(3, 1, 1, 5).plus(missed), new PixelMetrics(3, 1, 2, 6));
    }

    @Test
    void averageIouSummaryAndCountError() {
        ImageScore a = MeanAveragePrecision.score("a", LabelImage.parse("1111111111"), LabelImage.parse("1111111..."));
        ImageScore b = MeanAveragePrecision.score("b", LabelImage.parse("11"), LabelImage.parse("11"));
        AverageIou.Summary s = AverageIou.summarize(List.of(a, b));
        assertEquals(0.85, s.mean(), EPS);
        assertEquals(0.15, s.std(), EPS);
        ImageScore c = MeanAveragePrecision.score("c", LabelImage.parse("1.2.3"), LabelImage.parse("1...."));
        CountError e = CountError.of(List.of(b, c));
        assertEquals(-1.0, e.meanSigned(), EPS);
        assertEquals(1.0, e.meanAbsolute(), EPS);
        assertEquals(1.0 / 3.0, e.meanRelative(), EPS);
        assertEquals(4, e.truthTotal());
    }

    @Test
    void jsonWriterEscapesAndNullsNonFinite() {
        String json = new JsonWriter().beginObject().name("a\"b").value("x\ny").name("n").value(Double.NaN)
                .name("arr").beginArray().value(1).value(0.5).value(true).beginObject().endObject().endArray()
                .endObject().toString();
        assertEquals("{\"a\\\"b\":\"x\\ny\",\"n\":null,\"arr\":[1,0.5,true,{}]}", json);
        JsonSyntax.check(json);
    }
}
