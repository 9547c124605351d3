package dev.nucleon.core.onnx;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.UpsampleMode;
import dev.nucleon.core.ops.Convolution;
import dev.nucleon.core.ops.Normalization;
import dev.nucleon.core.ops.Pooling;
import dev.nucleon.core.ops.Upsampling;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nucleon's forward ops against ONNX Runtime, an implementation written by other people, on seeded
 * random inputs. Each case builds a one-node ONNX model with the same geometry ({@link OracleCases}),
 * runs both, and requires {@code max|ours − ORT| ≤ TOLERANCE · max(1, max|ORT|)}.
 *
 * <p>Run: {@code mvn -o -B -pl core test -Dtest='OnnxOracleTest'}; the worst error per op is printed
 * after the class.
 */
class OnnxOracleTest {

    /** Tolerance relative to the reference's magnitude, for every comparison here: stated once. */
    static final double TOLERANCE = 1e-4;

    /** Per op: {worst |error|, worst |error| / bound, cases}. */
    private static final Map<String, double[]> WORST = new TreeMap<>();

    // ================================================================ helper

    /** Compares {@code ours} with ONNX Runtime's output of {@code model} on {@code feeds}. */
    static void assertMatches(String op, String label, Tensor ours, OnnxModel model, OnnxOracle.Feed... feeds) {
        OnnxOracle.Result ref = OnnxOracle.run(model, feeds);
        assertArrayEquals(ref.shape(), ours.shape(), () -> op + " " + label + ": shape " + Arrays.toString(ours.shape())
                + ", ONNX Runtime " + Arrays.toString(ref.shape()));
        float[] a = ours.toArray();
        float[] b = ref.data();
        double maxRef = 0;
        for (float v : b) {
            maxRef = Math.max(maxRef, Math.abs(v));
        }
        double maxErr = 0;
        int at = 0;
        for (int i = 0; i < a.length; i++) {
            double e = Math.abs((double) a[i] - b[i]);
            if (!(e <= maxErr)) {          // NaN also lands here, and stops the scan
                maxErr = e;
                at = i;
                if (Double.isNaN(e)) {
                    break;
                }
            }
        }
        double bound = TOLERANCE * Math.max(1, maxRef);
        synchronized (WORST) {
            double[] w = WORST.computeIfAbsent(op, k -> new double[3]);
            w[0] = Math.max(w[0], maxErr);
            w[1] = Math.max(w[1], maxErr / bound);
            w[2]++;
        }
        int where = at;
        double err = maxErr;
        assertTrue(maxErr <= bound, () -> op + " " + label + ": max |ours − ORT| = " + err + " at flat index "
                + where + " of " + Arrays.toString(ref.shape()) + " (ours " + a[where] + ", ORT " + b[where]
                + "), allowed " + bound);
    }

    @AfterAll
    static void printWorstErrors() {
        StringBuilder s = new StringBuilder("OnnxOracleTest vs ONNX Runtime " + OnnxOracle.version()
                + ", tolerance " + TOLERANCE + " × max(1, max|ref|):\n");
        WORST.forEach((op, w) -> s.append(String.format("  %-18s %3d cases  worst |err| %.2e  (%.3f of bound)%n",
                op, (int) w[2], w[0], w[1])));
        System.out.print(s);
    }

    private static Tensor random(long seed, float lo, float hi, int... shape) {
        return Tensor.uniform(seed, lo, hi, shape);
    }

    private static OnnxOracle.Feed feedX(Tensor x) {
        return OnnxOracle.feed("X", x.toArray(), x.shape());
    }

    // ================================================================ convolution

    @TestFactory
    Stream<DynamicTest> conv2d() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < OracleCases.CONV.size(); i++) {
            OracleCases.ConvCase c = OracleCases.CONV.get(i);
            long seed = 1000L + 10L * i;
            tests.add(DynamicTest.dynamicTest(c.toString(), () -> {
                Tensor x = random(seed, -1f, 1f, c.inputShape());
                Tensor w = random(seed + 1, -1f, 1f, c.weightShape());
                Tensor b = c.bias() ? random(seed + 2, -1f, 1f, c.cout()) : null;
                Tensor ours = Convolution.conv2d(x, w, b, new int[] {c.sh(), c.sw()}, new int[] {c.ph(), c.pw()},
                        new int[] {c.dh(), c.dw()}, c.groups());
                assertMatches("conv2d", c.toString(), ours, c.model(w.toArray(), b == null ? null : b.toArray()),
                        feedX(x));
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> convTranspose2d() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < OracleCases.CONV_TRANSPOSE.size(); i++) {
            OracleCases.ConvTransposeCase c = OracleCases.CONV_TRANSPOSE.get(i);
            long seed = 2000L + 10L * i;
            tests.add(DynamicTest.dynamicTest(c.toString(), () -> {
                Tensor x = random(seed, -1f, 1f, c.inputShape());
                Tensor w = random(seed + 1, -1f, 1f, c.weightShape());
                Tensor b = c.bias() ? random(seed + 2, -1f, 1f, c.cout()) : null;
                Tensor ours = Convolution.convTranspose2d(x, w, b, new int[] {c.sh(), c.sw()},
                        new int[] {c.ph(), c.pw()}, new int[] {c.oph(), c.opw()}, new int[] {c.dh(), c.dw()},
                        c.groups());
                assertMatches("convTranspose2d", c.toString(), ours,
                        c.model(w.toArray(), b == null ? null : b.toArray()), feedX(x));
            }));
        }
        return tests.stream();
    }

    // ================================================================ batch norm (inference)

    @TestFactory
    Stream<DynamicTest> batchNorm2dInference() {
        // {n, c, h, w}, eps, variance range: the tiny-variance case makes eps matter
        Object[][] cases = {
                {new int[] {2, 3, 5, 4}, 1e-5f, 0.1f, 2f},
                {new int[] {1, 8, 7, 7}, 1e-3f, 0.5f, 4f},
                {new int[] {3, 1, 4, 9}, 1e-5f, 1e-4f, 1e-3f},
                {new int[] {2, 16, 3, 3}, 0.1f, 0.01f, 1f}};
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < cases.length; i++) {
            int[] shape = (int[]) cases[i][0];
            float eps = (float) cases[i][1];
            float varLo = (float) cases[i][2];
            float varHi = (float) cases[i][3];
            int ch = shape[1];
            long seed = 3000L + 10L * i;
            String label = "x" + Arrays.toString(shape) + " eps " + eps + " var in [" + varLo + ", " + varHi + "]";
            tests.add(DynamicTest.dynamicTest(label, () -> {
                Tensor x = random(seed, -3f, 3f, shape);
                Tensor mean = random(seed + 1, -1f, 1f, ch);
                Tensor var = random(seed + 2, varLo, varHi, ch);
                Tensor gamma = random(seed + 3, 0.5f, 1.5f, ch);
                Tensor beta = random(seed + 4, -0.5f, 0.5f, ch);
                Tensor ours = Normalization.batchNorm2d(x, mean, var, gamma, beta, false, 0.1f, eps);
                OnnxModel m = OnnxModel.node("BatchNormalization").input("X", shape)
                        .initializer("scale", gamma.toArray(), ch)
                        .initializer("B", beta.toArray(), ch)
                        .initializer("mean", mean.toArray(), ch)
                        .initializer("var", var.toArray(), ch)
                        .attr("epsilon", eps).output("Y");
                assertMatches("batchNorm2d", label, ours, m, feedX(x));
                // inference must leave the running statistics alone
                assertArrayEquals(random(seed + 1, -1f, 1f, ch).toArray(), mean.toArray(), 0f, "running mean changed");
                assertArrayEquals(random(seed + 2, varLo, varHi, ch).toArray(), var.toArray(), 0f, "running var changed");
            }));
        }
        return tests.stream();
    }

    // ================================================================ pooling

    @TestFactory
    Stream<DynamicTest> maxPool2d() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < OracleCases.POOL.size(); i++) {
            OracleCases.PoolCase c = OracleCases.POOL.get(i);
            for (boolean negative : new boolean[] {false, true}) {
                // all-negative input: a padded cell (absent, not 0) must never win the max
                String label = c + (negative ? " all-negative" : "");
                long seed = 4000L + 10L * i + (negative ? 5 : 0);
                tests.add(DynamicTest.dynamicTest(label, () -> {
                    Tensor x = negative ? random(seed, -5f, -1f, c.inputShape()) : random(seed, -5f, 5f, c.inputShape());
                    Tensor ours = Pooling.maxPool2d(x, c.k(), c.s(), c.p());
                    assertMatches("maxPool2d", label, ours, c.maxPool(), feedX(x));
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> avgPool2d() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < OracleCases.POOL.size(); i++) {
            OracleCases.PoolCase c = OracleCases.POOL.get(i);
            for (boolean includePad : new boolean[] {false, true}) {
                if (c.p() == 0 && includePad) {
                    continue;   // without padding the flag changes nothing
                }
                String label = c + " count_include_pad=" + (includePad ? 1 : 0);
                long seed = 5000L + 10L * i;
                tests.add(DynamicTest.dynamicTest(label, () -> {
                    Tensor x = random(seed, -5f, 5f, c.inputShape());
                    Tensor ours = Pooling.avgPool2d(x, c.k(), c.s(), c.p(), includePad);
                    assertMatches("avgPool2d", label, ours, c.avgPool(includePad), feedX(x));
                }));
            }
        }
        return tests.stream();
    }

    // ================================================================ upsampling

    @TestFactory
    Stream<DynamicTest> upsample() {
        List<DynamicTest> tests = new ArrayList<>();
        for (UpsampleMode mode : UpsampleMode.values()) {
            for (int factor : new int[] {2, 3}) {
                for (int i = 0; i < OracleCases.RESIZE_SHAPES.size(); i++) {
                    int[] shape = OracleCases.RESIZE_SHAPES.get(i);
                    String label = mode + " ×" + factor + " x" + Arrays.toString(shape);
                    long seed = 6000L + 100L * factor + 10L * mode.ordinal() + i;
                    tests.add(DynamicTest.dynamicTest(label, () -> {
                        Tensor x = random(seed, -2f, 2f, shape);
                        Tensor ours = Upsampling.upsample(x, factor, mode);
                        assertMatches("upsample " + mode.name().toLowerCase(), label, ours,
                                OracleCases.resize(shape, factor, mode == UpsampleMode.BILINEAR), feedX(x));
                    }));
                }
            }
        }
        return tests.stream();
    }

    // ================================================================ activations and softmax

    private static final int[][] ACTIVATION_SHAPES = {{2, 5, 3, 4}, {1, 3, 7, 1}, {3, 1, 2, 2}};

    /** One test per activation shape: {@code ours(x)} against the ONNX model built for x's shape. */
    private static Stream<DynamicTest> elementwise(String op, String variant, long seedBase, float range,
                                                   Function<Tensor, Tensor> ours, Function<int[], OnnxModel> model) {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < ACTIVATION_SHAPES.length; i++) {
            int[] shape = ACTIVATION_SHAPES[i];
            long seed = seedBase + i;
            String label = variant + " x" + Arrays.toString(shape) + " in ±" + range;
            tests.add(DynamicTest.dynamicTest(label, () -> {
                Tensor x = random(seed, -range, range, shape);
                assertMatches(op, label, ours.apply(x), model.apply(shape), feedX(x));
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> relu() {
        return elementwise("relu", "", 7000, 5f, Tensor::relu,
                shape -> OnnxModel.node("Relu").input("X", shape).output("Y"));
    }

    @TestFactory
    Stream<DynamicTest> elu() {
        return Stream.of(1.0f, 0.5f, 2.0f).flatMap(alpha -> elementwise("elu", "alpha " + alpha,
                7100 + (long) (alpha * 10), 5f, x -> x.elu(alpha),
                shape -> OnnxModel.node("Elu").input("X", shape).attr("alpha", alpha).output("Y")));
    }

    @TestFactory
    Stream<DynamicTest> sigmoid() {
        return Stream.of(5f, 40f).flatMap(range -> elementwise("sigmoid", "", 7200 + range.longValue(), range,
                Tensor::sigmoid, shape -> OnnxModel.node("Sigmoid").input("X", shape).output("Y")));
    }

    @TestFactory
    Stream<DynamicTest> softmax() {
        // axis 1 = channels of NCHW (opset 13 Softmax normalises along one axis only); 60 tests stability
        return Stream.of(1, 3).flatMap(axis -> Stream.of(5f, 60f).flatMap(range -> elementwise("softmax",
                "axis " + axis, 7300 + 10L * axis + range.longValue(), range, x -> x.softmax(axis),
                shape -> OnnxModel.node("Softmax").input("X", shape).attr("axis", (long) axis).output("Y"))));
    }

    @TestFactory
    Stream<DynamicTest> logSoftmax() {
        return Stream.of(1, 3).flatMap(axis -> Stream.of(5f, 60f).flatMap(range -> elementwise("logSoftmax",
                "axis " + axis, 7400 + 10L * axis + range.longValue(), range, x -> x.logSoftmax(axis),
                shape -> OnnxModel.node("LogSoftmax").input("X", shape).attr("axis", (long) axis).output("Y"))));
    }
}
