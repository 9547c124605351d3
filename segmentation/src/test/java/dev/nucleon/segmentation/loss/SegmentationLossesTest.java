package dev.nucleon.segmentation.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.Device;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.testing.OpCheck;
import dev.nucleon.core.testing.ReferenceLoss;
import dev.nucleon.nn.loss.Loss;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The segmentation losses against plain-Java double-precision references, forward and gradient (central
 * finite differences of the reference, core's {@link OpCheck} with its {@code Tolerances}), on 0/1 and soft
 * targets and several shapes; plus values worked out by hand.
 */
class SegmentationLossesTest {

    // ----- double-precision references --------------------------------------------------------------------

    /** D over all elements: (2Σpy + s) / (Σp + Σy + s). */
    static double dice(double[] p, double[] y, double s) {
        double inter = 0;
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            inter += p[i] * y[i];
            sum += p[i] + y[i];
        }
        return (2 * inter + s) / (sum + s);
    }

    /** D of each of the n samples (consecutive blocks of p.length / n elements). */
    static double[] dicePerSample(double[] p, double[] y, int n, double s) {
        int m = p.length / n;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = dice(java.util.Arrays.copyOfRange(p, i * m, (i + 1) * m),
                    java.util.Arrays.copyOfRange(y, i * m, (i + 1) * m), s);
        }
        return d;
    }

    static double diceLoss(double[] p, double[] y, double s) {
        return 1 - dice(p, y, s);
    }

    static double diceLossPerSample(double[] p, double[] y, int n, double s) {
        double sum = 0;
        for (double d : dicePerSample(p, y, n, s)) {
            sum += 1 - d;
        }
        return sum / n;
    }

    static double bceDice(double[] p, double[] y, double s) {
        return ReferenceLoss.binaryCrossEntropy(p, y) + 1 - dice(p, y, s);
    }

    static double bceLogDice(double[] p, double[] y, int n, double lambda, double s) {
        double logDice = 0;
        for (double d : dicePerSample(p, y, n, s)) {
            logDice -= Math.log(d);
        }
        return lambda * ReferenceLoss.binaryCrossEntropy(p, y) + logDice / n;
    }

    /** Paper 001's cross-entropy: −(1/(N·H·W)) Σ y_c log(p_c / Σ_k p_k), (N, K, H, W) in NCHW order. */
    static double categoricalCrossEntropy(double[] p, double[] y, int[] shape) {
        int n = shape[0], k = shape[1], plane = shape[2] * shape[3];
        double sum = 0;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < plane; i++) {
                double total = 0;
                for (int c = 0; c < k; c++) {
                    total += p[(b * k + c) * plane + i];
                }
                for (int c = 0; c < k; c++) {
                    int at = (b * k + c) * plane + i;
                    sum -= y[at] * Math.log(p[at] / total);
                }
            }
        }
        return sum / (n * plane);
    }

    // ----- conformance-style checks -----------------------------------------------------------------------

    private static final int[][] SHAPES = {{2, 1, 4, 4}, {3, 2, 3, 5}, {1, 1, 6, 6}};

    @TestFactory
    Stream<DynamicTest> forwardAndGradientAgainstTheDoubleReference() {
        List<OpCheck> checks = new ArrayList<>();
        for (int[] shape : SHAPES) {
            int n = shape[0];
            for (boolean soft : new boolean[] {false, true}) {
                String sh = java.util.Arrays.toString(shape) + (soft ? ", soft targets" : ", 0/1 targets");
                checks.add(check("soft dice loss, batch " + sh, shape, soft, () -> new DiceLoss(),
                        a -> diceLoss(a[0], a[1], 1)));
                checks.add(check("soft dice loss, per sample, smooth 0.5 " + sh, shape, soft,
                        () -> new DiceLoss(0.5f, true), a -> diceLossPerSample(a[0], a[1], n, 0.5)));
                checks.add(check("bce + dice (003) " + sh, shape, soft, BceDiceLoss::new,
                        a -> bceDice(a[0], a[1], 1)));
                checks.add(check("bce − log dice, λ = 1 (004) " + sh, shape, soft, BceLogDiceLoss::new,
                        a -> bceLogDice(a[0], a[1], n, 1, 1)));
                checks.add(check("0.3·bce − log dice, smooth 0.1 " + sh, shape, soft,
                        () -> new BceLogDiceLoss(0.3f, 0.1f), a -> bceLogDice(a[0], a[1], n, 0.3, 0.1)));
            }
        }
        for (int[] shape : new int[][] {{2, 3, 4, 4}, {1, 2, 3, 5}}) {
            for (boolean soft : new boolean[] {false, true}) {
                String sh = java.util.Arrays.toString(shape) + (soft ? ", soft targets" : ", 0/1 targets");
                checks.add(check("categorical cross-entropy (001) " + sh, shape, soft, CategoricalCrossEntropy::new,
                        a -> categoricalCrossEntropy(a[0], a[1], shape)));
            }
        }
        return checks.stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> c.run(Device.CPU)));
    }

    @Test
    void categoricalCrossEntropyByHandAndItsShapeCheck() {
        // one pixel, scores (0.2, 0.6, 0.2) sum to 1; class 1: −ln 0.6. Doubled scores normalise to the same loss.
        Tensor y = Tensor.of(new float[] {0, 1, 0}, 1, 3, 1, 1);
        for (float scale : new float[] {1f, 2f}) {
            Tensor p = Tensor.of(new float[] {0.2f * scale, 0.6f * scale, 0.2f * scale}, 1, 3, 1, 1);
            assertEquals(-Math.log(0.6), new CategoricalCrossEntropy().compute(p, y).item(), 1e-6);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CategoricalCrossEntropy().compute(Tensor.zeros(1, 1, 2, 2), Tensor.zeros(1, 1, 2, 2)));
        assertTrue(e.getMessage().contains("[1, 1, 2, 2]"), e.getMessage());
    }

    private static OpCheck check(String name, int[] shape, boolean soft, Supplier<Loss> loss,
            java.util.function.Function<double[][], Double> reference) {
        OpCheck c = OpCheck.of("segmentation loss", name).input("p", shape).range(0.02, 0.98).input("target", shape);
        c = soft ? c.range(0, 1).noGrad() : c.integers(2);
        return c.op(t -> loss.get().compute(t[0], t[1]))
                .reference(new int[0], a -> new double[] {reference.apply(a)});
    }

    // ----- values by hand ---------------------------------------------------------------------------------

    @Test
    void handWorkedValues() {
        Tensor y = Tensor.of(new float[] {1, 1, 0, 0}, 1, 1, 2, 2);
        Tensor p = Tensor.of(new float[] {0.5f, 1, 0, 0.5f}, 1, 1, 2, 2);
        // Σpy = 1.5, Σp = 2, Σy = 2: D = (3 + 1) / (4 + 1) = 0.8
        assertEquals(0.8f, SoftDice.batch(p, y, 1f).item(), 1e-6f);
        assertEquals(0.2f, new DiceLoss().compute(p, y).item(), 1e-6f);
        // without smoothing D = 3 / 4
        assertEquals(0.25f, new DiceLoss(0f, false).compute(p, y).item(), 1e-6f);
        // BCE: two terms −ln 0.5, two terms ≈ 0 (clamped at 1e-7): mean = ln 2 / 2
        float bce = (float) (Math.log(2) / 2);
        assertEquals(bce + 0.2f, new BceDiceLoss().compute(p, y).item(), 1e-5f);
        assertEquals(bce - (float) Math.log(0.8), new BceLogDiceLoss().compute(p, y).item(), 1e-5f);
        assertEquals(2 * bce - (float) Math.log(0.8), new BceLogDiceLoss(2f, 1f).compute(p, y).item(), 1e-5f);
    }

    @Test
    void perfectPredictionsCostNothingAndEmptyMasksAreDefined() {
        Tensor y = Tensor.of(new float[] {1, 0, 0, 1, 0, 0, 0, 0}, 2, 1, 2, 2);
        assertEquals(1f, SoftDice.perSample(y, y, 1f).toArray()[0], 0f);
        assertEquals(1f, SoftDice.perSample(y, y, 1f).toArray()[1], 0f, "an empty sample with an empty prediction");
        assertEquals(0f, new DiceLoss(1f, true).compute(y, y).item(), 0f);
        assertEquals(0f, new BceLogDiceLoss().compute(y, y).item(), 1e-5f, "only the BCE clamp remains");
        assertTrue(new BceLogDiceLoss().compute(y.mul(0f).add(0.5f), y).item() > 0.5f);
    }

    @Test
    void perSampleDiffersFromBatchWhenSamplesDiffer() {
        Tensor y = Tensor.of(new float[] {1, 1, 1, 1, 0, 0, 0, 1}, 2, 4);
        Tensor p = Tensor.of(new float[] {0.9f, 0.9f, 0.9f, 0.9f, 0.1f, 0.1f, 0.1f, 0.1f}, 2, 4);
        double[] pd = {0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1};
        double[] yd = {1, 1, 1, 1, 0, 0, 0, 1};
        assertEquals(diceLoss(pd, yd, 1), new DiceLoss().compute(p, y).item(), 1e-6);
        assertEquals(diceLossPerSample(pd, yd, 2, 1), new DiceLoss(1f, true).compute(p, y).item(), 1e-6);
        assertTrue(Math.abs(diceLoss(pd, yd, 1) - diceLossPerSample(pd, yd, 2, 1)) > 0.05);
    }

    @Test
    void badArgumentsAreRefusedWithTheShapes() {
        Tensor a = Tensor.zeros(2, 1, 4, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BceLogDiceLoss().compute(a, Tensor.zeros(2, 1, 4, 3)));
        assertTrue(e.getMessage().contains("[2, 1, 4, 4]") || e.getMessage().contains("(2, 1, 4, 4)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DiceLoss(-1f, false));
        assertThrows(IllegalArgumentException.class, () -> new BceLogDiceLoss(Float.NaN, 1f));
        assertThrows(IllegalArgumentException.class, () -> SoftDice.perSample(Tensor.zeros(4), Tensor.zeros(4), 1f));
    }

    @Test
    void pixelWeightsScaleTheCrossEntropyTermOnlyAndOnesGiveThePlainLoss() {
        Tensor p = Tensor.uniform(21, 0.05f, 0.95f, 2, 1, 4, 4);
        Tensor y = Tensor.uniform(22, 0f, 1f, 2, 1, 4, 4);
        BceLogDiceLoss loss = new BceLogDiceLoss(0.5f, 1f);
        assertEquals(loss.compute(p, y).item(), loss.compute(p, y, Tensor.full(1f, 2, 1, 4, 4)).item(), 1e-5);
        // ω ≡ 3: the BCE term triples, the Dice term stays: L(3) − L(1) = 2 · λ · BCE
        float bce = new dev.nucleon.nn.loss.BinaryCrossEntropy().compute(p, y).item();
        assertEquals(2 * 0.5f * bce, loss.compute(p, y, Tensor.full(3f, 2, 1, 4, 4)).item() - loss.compute(p, y).item(),
                1e-4);
    }
}
