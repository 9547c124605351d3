package dev.nucleon.core.testing;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.Device;
import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.backend.RandomDistribution;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.UnaryOp;
import dev.nucleon.core.backend.UpsampleMode;
import dev.nucleon.core.ops.Convolution;
import dev.nucleon.core.random.CounterRandom;
import dev.nucleon.core.reference.ReferenceBatchNorm;
import dev.nucleon.core.reference.ReferenceConv;
import dev.nucleon.core.reference.ReferencePool;
import dev.nucleon.core.ops.Dropout;
import dev.nucleon.core.ops.LinearAlgebra;
import dev.nucleon.core.ops.Losses;
import dev.nucleon.core.ops.Normalization;
import dev.nucleon.core.ops.Pooling;
import dev.nucleon.core.ops.Reductions;
import dev.nucleon.core.ops.Shaping;
import dev.nucleon.core.ops.Softmax;
import dev.nucleon.core.ops.Upsampling;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The op conformance suite: every op of {@code dev.nucleon.core.ops}, forward against a double-precision
 * reference and gradient against the reference's finite difference ({@link OpCheck}), plus behaviour
 * checks (running statistics, dropout, seeded random fills, subgradient conventions, error messages).
 *
 * <p>Written once against the backend interface: a backend module subclasses it and names its device,
 * and every test moves its inputs there with {@code Tensor.of(...).to(device())} (candle's
 * {@code test_device!}). The CPU backend runs it as {@code CpuConformanceTest}, the reference backend (primitives
 * only, every other op composed) as {@code ReferenceConformanceTest}.
 *
 * <pre>{@code
 * class CudaConformanceTest extends BackendConformanceSuite {
 *     protected Device device() { return new Device("cuda", 0); }
 * }
 * }</pre>
 *
 * Shapes are small (the CPU conv and GEMM are reference loops here; the whole suite runs in seconds) and
 * cover stride 2, padding, odd sizes, batch &gt; 1, broadcasting and negative dims. A few cases are large
 * enough (&gt; 32 768 elements) to cross the CPU kernels' multi-threading threshold; their gradients are
 * finite-differenced at sampled elements. At the end the worst errors per op family are printed
 * ({@link ConformanceReport}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceSuite {

    /** The device under test; every input is moved there. */
    protected abstract Device device();

    @AfterAll
    void printReport() {
        System.out.println(ConformanceReport.table(device()));
    }

    // ----- helpers ----------------------------------------------------------------------------------------

    private static int[] s(int... shape) {
        return shape;
    }

    /** A tensor with these values on the device under test. */
    protected Tensor on(float[] values, int... shape) {
        return Tensor.of(values, shape).to(device());
    }

    private Stream<DynamicTest> run(List<OpCheck> checks) {
        return checks.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> c.run(device())));
    }

    private static float[] uniformValues(long seed, int n, double low, double high) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (low + (high - low) * r.nextDouble());
        }
        return v;
    }

    private static double[] widen(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static void assertClose(double[] expected, float[] actual, Tolerances.Tolerance tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double allowed = tol.allowed(expected[i], scale);
            if (!(Math.abs(expected[i] - actual[i]) <= allowed)) {
                throw new AssertionError(what + " at " + i + ": expected " + expected[i] + ", got " + actual[i]
                        + " (allowed " + allowed + ", " + tol + ")");
            }
        }
    }

    private static void assertMessage(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
        }
    }

    // ===== elementwise =====================================================================================

    private static OpCheck unary(String name, int[] shape, Function<Tensor, Tensor> ours, DoubleUnaryOperator ref) {
        return OpCheck.of("unary", name).input("x", shape)
                .op(t -> ours.apply(t[0]))
                .reference(shape, a -> ReferenceElementwise.map(a[0], ref));
    }

    @TestFactory
    Stream<DynamicTest> unaryOps() {
        int[] m = s(3, 5);
        float p = -1.5f;
        return run(List.of(
                unary("neg", m, Tensor::neg, x -> -x),
                unary("exp", m, Tensor::exp, Math::exp).range(-3, 3),
                unary("log", m, Tensor::log, Math::log).range(0.05, 4),
                unary("sqrt", m, Tensor::sqrt, Math::sqrt).range(0.05, 4),
                unary("abs", m, Tensor::abs, Math::abs).awayFrom(0),
                unary("pow 2", m, t -> t.pow(2f), x -> x * x).range(-2, 2),
                unary("pow 3", m, t -> t.pow(3f), x -> x * x * x).range(-2, 2),
                unary("pow 0.5", m, t -> t.pow(0.5f), Math::sqrt).range(0.05, 4),
                unary("pow -1.5", m, t -> t.pow(p), x -> Math.pow(x, p)).range(0.2, 3),
                unary("pow -1", m, t -> t.pow(-1f), x -> 1 / x).range(0.2, 3),
                unary("add scalar", m, t -> t.add(0.75f), x -> x + 0.75),
                unary("sub scalar", m, t -> t.sub(0.3f), x -> x - 0.3f),
                unary("mul scalar", m, t -> t.mul(-1.7f), x -> x * -1.7f),
                unary("div scalar", m, t -> t.div(3f), x -> x / 3),
                unary("clamp", m, t -> t.clamp(-0.4f, 0.6f), x -> ReferenceElementwise.clamp(x, -0.4f, 0.6f))
                        .awayFrom(-0.4f, 0.6f),
                unary("relu", m, Tensor::relu, ReferenceElementwise::relu).awayFrom(0),
                unary("relu rank 4", s(2, 3, 4, 5), Tensor::relu, ReferenceElementwise::relu).awayFrom(0),
                unary("relu scalar", s(), Tensor::relu, ReferenceElementwise::relu).awayFrom(0),
                unary("elu 1", m, t -> t.elu(1f), x -> ReferenceElementwise.elu(x, 1)).range(-3, 2).awayFrom(0),
                unary("elu 0.5", m, t -> t.elu(0.5f), x -> ReferenceElementwise.elu(x, 0.5)).range(-3, 2).awayFrom(0),
                unary("leaky relu 0.1", m, t -> t.leakyRelu(0.1f), x -> ReferenceElementwise.leakyRelu(x, 0.1f))
                        .awayFrom(0),
                unary("leaky relu 0.01 odd shape", s(7), t -> t.leakyRelu(0.01f),
                        x -> ReferenceElementwise.leakyRelu(x, 0.01f)).awayFrom(0),
                unary("sigmoid", m, Tensor::sigmoid, ReferenceElementwise::sigmoid).range(-8, 8),
                unary("tanh", m, Tensor::tanh, Math::tanh).range(-3, 3),
                unary("gelu", m, t -> t.unary(UnaryOp.GELU, 0f, 0f), ReferenceElementwise::gelu).range(-4, 4),
                unary("gelu multi-threaded", s(36_001), t -> t.unary(UnaryOp.GELU, 0f, 0f), ReferenceElementwise::gelu)
                        .range(-5, 5).sampleGradient(32),
                // more than the CPU kernels' 32 768-element grain: the multi-threaded path
                unary("sigmoid multi-threaded", s(3, 12_001), Tensor::sigmoid, ReferenceElementwise::sigmoid)
                        .range(-6, 6).sampleGradient(32),
                unary("elu multi-threaded", s(36_001), t -> t.elu(1f), x -> ReferenceElementwise.elu(x, 1))
                        .range(-3, 2).awayFrom(0).sampleGradient(32)));
    }

    private static OpCheck binary(String opName, int[] a, int[] b, java.util.function.BinaryOperator<Tensor> ours,
                                  DoubleBinaryOperator ref) {
        return OpCheck.of("binary", opName + " " + Arrays.toString(a) + " " + Arrays.toString(b))
                .input("a", a).input("b", b)
                .op(t -> ours.apply(t[0], t[1]))
                .reference(ReferenceElementwise.broadcastShape(a, b),
                        x -> ReferenceElementwise.binary(x[0], a, x[1], b, ref));
    }

    @TestFactory
    Stream<DynamicTest> binaryOpsWithBroadcasting() {
        int[][][] pairs = {
                {s(2, 3, 4), s(2, 3, 4)},
                {s(2, 3, 4), s(4)},
                {s(2, 3, 4), s(3, 1)},
                {s(2, 1, 4), s(3, 1)},
                {s(3, 1, 5), s(1, 4, 1)},
                {s(), s(2, 3)},
                {s(5), s()},
                {s(4, 1), s(1)},
                {s(2, 3, 4, 5), s(3, 1, 1)},
                {s(1, 3, 1, 1), s(2, 3, 2, 3)},
        };
        List<OpCheck> checks = new ArrayList<>();
        for (int[][] p : pairs) {
            checks.add(binary("add", p[0], p[1], Tensor::add, Double::sum));
            checks.add(binary("sub", p[0], p[1], Tensor::sub, (x, y) -> x - y));
            checks.add(binary("mul", p[0], p[1], Tensor::mul, (x, y) -> x * y));
            // denominators kept in [0.5, 2] (and [-2, -0.5] below) so 1/b is tame
            checks.add(binary("div", p[0], p[1], Tensor::div, (x, y) -> x / y).range(0.5, 2));
        }
        checks.add(binary("div negative denominator", s(3, 4), s(4), Tensor::div, (x, y) -> x / y).range(-2, -0.5));
        checks.add(OpCheck.of("binary", "x * x (one tensor used twice)").input("x", 3, 4)
                .op(t -> t[0].mul(t[0]))
                .reference(s(3, 4), a -> ReferenceElementwise.map(a[0], v -> v * v)));
        checks.add(OpCheck.of("binary", "x * y + x (gradient accumulates over two paths)")
                .input("x", 2, 3).input("y", 3)
                .op(t -> t[0].mul(t[1]).add(t[0]))
                .reference(s(2, 3), a -> ReferenceElementwise.binary(a[0], s(2, 3), a[1], s(3), (x, y) -> x * y + x)));
        checks.add(binary("add multi-threaded rows", s(40, 1000), s(1000), Tensor::add, Double::sum)
                .sampleGradient(32));
        checks.add(binary("mul multi-threaded columns", s(1000, 40), s(1000, 1), Tensor::mul, (x, y) -> x * y)
                .sampleGradient(32));
        checks.add(binary("sub multi-threaded same shape", s(33_000), s(33_000), Tensor::sub, (x, y) -> x - y)
                .sampleGradient(32));
        return run(checks);
    }

    // ===== reductions ======================================================================================

    /** {@code label} ends with the kind: sum, mean or max. */
    private static OpCheck reduction(String label, int[] shape, int[] dims, boolean keepDim) {
        OpCheck c = OpCheck.of("reduction", label + " " + Arrays.toString(shape) + " dims " + Arrays.toString(dims)
                        + (keepDim ? " keepDim" : "")).input("x", shape);
        String kind = label.substring(label.lastIndexOf(' ') + 1);
        int[] outShape = ReferenceReduction.shape(shape, dims, keepDim);
        return switch (kind) {
            case "sum" -> c.op(t -> Reductions.sum(t[0], dims, keepDim))
                    .reference(outShape, a -> ReferenceReduction.sum(a[0], shape, dims));
            case "mean" -> c.op(t -> Reductions.mean(t[0], dims, keepDim))
                    .reference(outShape, a -> ReferenceReduction.mean(a[0], shape, dims));
            case "max" -> c.distinct().op(t -> Reductions.max(t[0], dims, keepDim))
                    .reference(outShape, a -> ReferenceReduction.max(a[0], shape, dims));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @TestFactory
    Stream<DynamicTest> reductions() {
        List<OpCheck> checks = new ArrayList<>();
        for (String kind : new String[] {"sum", "mean", "max"}) {
            checks.add(reduction(kind, s(3, 4, 5), s(1), false));
            checks.add(reduction(kind, s(3, 4, 5), s(0, 2), true));
            checks.add(reduction(kind, s(3, 4, 5), s(-1), false));
            checks.add(reduction(kind, s(3, 4, 5), s(-3, -1), true));
            checks.add(reduction(kind, s(2, 3, 1, 4), s(2), false));
            checks.add(reduction(kind, s(2, 3, 1, 4), s(0, 3), false));
            checks.add(reduction(kind, s(7), s(0), false));
            checks.add(reduction(kind, s(5, 1), s(0), true));
            checks.add(reduction(kind, s(2, 3, 4), ReferenceReduction.all(3), false));
        }
        int[] x = s(3, 4, 5);
        checks.add(OpCheck.of("reduction", "sum() of everything").input("x", x)
                .op(t -> t[0].sum()).reference(s(), a -> ReferenceReduction.sum(a[0], x, ReferenceReduction.all(3))));
        checks.add(OpCheck.of("reduction", "mean() of everything").input("x", x)
                .op(t -> t[0].mean()).reference(s(), a -> ReferenceReduction.mean(a[0], x, ReferenceReduction.all(3))));
        checks.add(OpCheck.of("reduction", "max() of everything").input("x", x).distinct()
                .op(t -> t[0].max()).reference(s(), a -> ReferenceReduction.max(a[0], x, ReferenceReduction.all(3))));
        checks.add(OpCheck.of("reduction", "sum of a scalar").input("x")
                .op(t -> t[0].sum()).reference(s(), a -> a[0].clone()));
        int[] big = s(8, 5000);
        checks.add(OpCheck.of("reduction", "sum() multi-threaded").input("x", big).sampleGradient(32)
                .op(t -> t[0].sum()).reference(s(), a -> ReferenceReduction.sum(a[0], big, s(0, 1))));
        checks.add(OpCheck.of("reduction", "mean dim 1 of a large tensor").input("x", big).sampleGradient(32)
                .op(t -> t[0].mean(s(1), false)).reference(s(8), a -> ReferenceReduction.mean(a[0], big, s(1))));
        return run(checks);
    }

    // ===== softmax =========================================================================================

    @TestFactory
    Stream<DynamicTest> softmaxAndLogSoftmax() {
        List<OpCheck> checks = new ArrayList<>();
        Object[][] cases = {
                {s(2, 4, 3, 3), 1, -3.0, 3.0, "class axis of NCHW"},
                {s(3, 7), -1, -3.0, 3.0, "last dim"},
                {s(5, 3), 0, -3.0, 3.0, "dim 0"},
                {s(2, 3, 4), -2, -3.0, 3.0, "middle dim, negative"},
                {s(1, 6), 1, -3.0, 3.0, "single row"},
                {s(3, 1), 1, -3.0, 3.0, "axis of size 1"},
                {s(3, 5), 1, 80.0, 90.0, "logits near float32 exp overflow"},
                {s(3, 5), 1, -90.0, -80.0, "logits near float32 exp underflow"},
                {s(40, 1000), 1, -3.0, 3.0, "multi-threaded"},
        };
        for (Object[] c : cases) {
            int[] shape = (int[]) c[0];
            int dim = (Integer) c[1];
            for (boolean log : new boolean[] {false, true}) {
                OpCheck check = OpCheck.of("softmax", (log ? "log_softmax " : "softmax ") + c[4] + " "
                                + Arrays.toString(shape) + " dim " + dim)
                        .input("x", shape).range((Double) c[2], (Double) c[3])
                        .op(t -> log ? Softmax.logSoftmax(t[0], dim) : t[0].softmax(dim))
                        .reference(shape, a -> log ? ReferenceSoftmax.logSoftmax(a[0], shape, dim)
                                : ReferenceSoftmax.softmax(a[0], shape, dim));
                if (NdIndex.numel(shape) > 10_000) {
                    check.sampleGradient(32);
                }
                checks.add(check);
            }
        }
        return run(checks);
    }

    // ===== matmul ==========================================================================================

    private static OpCheck matmul(String name, int[] a, int[] b) {
        return OpCheck.of("matmul", name + " " + Arrays.toString(a) + " · " + Arrays.toString(b))
                .input("a", a).input("b", b)
                .op(t -> t[0].matmul(t[1]))
                .reference(ReferenceMatmul.shape(a, b), x -> ReferenceMatmul.matmul(x[0], a, x[1], b));
    }

    /** {@code LinearAlgebra.product} with stored operands; the reference transposes them explicitly. */
    private static OpCheck product(int[] aStored, boolean transA, int[] bStored, boolean transB) {
        int[] aUsed = transA ? ReferenceMatmul.transposedShape(aStored) : aStored;
        int[] bUsed = transB ? ReferenceMatmul.transposedShape(bStored) : bStored;
        return OpCheck.of("matmul", "product " + Arrays.toString(aStored) + (transA ? "ᵀ" : "") + " · "
                        + Arrays.toString(bStored) + (transB ? "ᵀ" : ""))
                .input("a", aStored).input("b", bStored)
                .op(t -> LinearAlgebra.product(t[0], transA, t[1], transB))
                .reference(ReferenceMatmul.shape(aUsed, bUsed), x -> ReferenceMatmul.matmul(
                        transA ? ReferenceMatmul.transposeLast(x[0], aStored) : x[0], aUsed,
                        transB ? ReferenceMatmul.transposeLast(x[1], bStored) : x[1], bUsed));
    }

    @TestFactory
    Stream<DynamicTest> matmulAndBatchedProducts() {
        return run(List.of(
                matmul("2-D", s(3, 4), s(4, 5)),
                matmul("odd sizes", s(5, 7), s(7, 3)),
                matmul("1x1", s(1, 1), s(1, 1)),
                matmul("vector-like", s(1, 6), s(6, 1)),
                matmul("outer product (k = 1)", s(3, 1), s(1, 4)),
                matmul("batched", s(2, 3, 4), s(2, 4, 5)),
                matmul("batched rank 4", s(2, 2, 3, 4), s(2, 2, 4, 5)),
                matmul("shared b", s(3, 3, 4), s(4, 5)),
                matmul("shared a", s(3, 4), s(2, 4, 5)),
                matmul("size-1 batch a", s(1, 3, 4), s(2, 4, 5)),
                matmul("size-1 batch b", s(2, 3, 4), s(1, 4, 5)),
                matmul("shared a with more size-1 axes", s(1, 1, 3, 4), s(2, 4, 5)),
                matmul("same matrices, extra leading 1", s(2, 3, 4), s(1, 2, 4, 5)),
                product(s(4, 3), true, s(4, 5), false),
                product(s(3, 4), false, s(5, 4), true),
                product(s(4, 3), true, s(5, 4), true),
                product(s(2, 4, 3), true, s(2, 5, 4), true),
                product(s(2, 3, 4), false, s(5, 4), true)));
    }

    // ===== convolution =====================================================================================

    private record Conv(String name, int n, int cin, int h, int w, int cout, int kh, int kw, int sh, int sw,
                        int ph, int pw, int dh, int dw, int groups, boolean bias) {
    }

    private static OpCheck conv2d(Conv c) {
        int[] xs = s(c.n, c.cin, c.h, c.w);
        int[] ws = s(c.cout, c.cin / c.groups, c.kh, c.kw);
        int[] stride = s(c.sh, c.sw);
        int[] pad = s(c.ph, c.pw);
        int[] dil = s(c.dh, c.dw);
        OpCheck check = OpCheck.of("conv2d", c.name).input("x", xs).input("w", ws);
        if (c.bias) {
            check.input("b", c.cout);
        }
        boolean simple = c.kh == c.kw && c.sh == c.sw && c.ph == c.pw && c.dh == 1 && c.dw == 1 && c.groups == 1;
        return check
                .op(t -> simple ? Convolution.conv2d(t[0], t[1], c.bias ? t[2] : null, c.sh, c.ph)
                        : Convolution.conv2d(t[0], t[1], c.bias ? t[2] : null, stride, pad, dil, c.groups))
                .reference(ReferenceConv.conv2dShape(xs, ws, stride, pad, dil), a -> ReferenceConv.conv2d(
                        a[0], xs, a[1], ws, c.bias ? a[2] : null, stride, pad, dil, c.groups));
    }

    @TestFactory
    Stream<DynamicTest> conv2d() {
        return run(Stream.of(
                new Conv("single channel 5x5 k3", 1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1, false),
                new Conv("batch 2, pad 1, bias", 2, 3, 6, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),
                new Conv("stride 2, pad 1, odd sizes", 2, 2, 7, 9, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, true),
                new Conv("1x1 kernel", 2, 3, 4, 5, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1, true),
                new Conv("dilation 2, pad 2", 1, 2, 7, 7, 2, 3, 3, 1, 1, 2, 2, 2, 2, 1, false),
                new Conv("groups 2, bias", 2, 4, 5, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2, true),
                new Conv("depthwise, stride 2", 2, 3, 6, 6, 3, 3, 3, 2, 2, 1, 1, 1, 1, 3, true),
                new Conv("non-square kernel, stride, pad, dilation", 2, 2, 7, 6, 3, 3, 2, 2, 1, 1, 0, 1, 2, 1, true),
                new Conv("k5 stride 3 pad 2", 1, 2, 9, 8, 2, 5, 5, 3, 3, 2, 2, 1, 1, 1, true),
                new Conv("kernel covers the input", 2, 2, 3, 3, 3, 3, 3, 1, 1, 0, 0, 1, 1, 1, true))
                .map(BackendConformanceSuite::conv2d).toList());
    }

    private record ConvT(String name, int n, int cin, int h, int w, int coutPerGroup, int kh, int kw, int sh,
                         int sw, int ph, int pw, int oph, int opw, int dh, int dw, int groups, boolean bias) {
    }

    private static OpCheck convTranspose2d(ConvT c) {
        int[] xs = s(c.n, c.cin, c.h, c.w);
        int[] ws = s(c.cin, c.coutPerGroup, c.kh, c.kw);
        int[] stride = s(c.sh, c.sw);
        int[] pad = s(c.ph, c.pw);
        int[] outPad = s(c.oph, c.opw);
        int[] dil = s(c.dh, c.dw);
        int cout = c.coutPerGroup * c.groups;
        OpCheck check = OpCheck.of("conv_transpose2d", c.name).input("x", xs).input("w", ws);
        if (c.bias) {
            check.input("b", cout);
        }
        boolean simple = c.kh == c.kw && c.sh == c.sw && c.ph == c.pw && c.oph == c.opw && c.dh == 1 && c.dw == 1
                && c.groups == 1;
        return check
                .op(t -> simple ? Convolution.convTranspose2d(t[0], t[1], c.bias ? t[2] : null, c.sh, c.ph, c.oph)
                        : Convolution.convTranspose2d(t[0], t[1], c.bias ? t[2] : null, stride, pad, outPad, dil,
                        c.groups))
                .reference(ReferenceConv.convTranspose2dShape(xs, ws, stride, pad, outPad, dil, c.groups),
                        a -> ReferenceConv.convTranspose2d(a[0], xs, a[1], ws, c.bias ? a[2] : null, stride, pad,
                                outPad, dil, c.groups));
    }

    /**
     * Convolutions with a fused activation ({@link Epilogue}) on constant inputs, so the backend's fused kernels
     * run (with gradients the ops compose conv and activation instead; nn's FusedActivationTest covers that):
     * f(conv + b) and f(conv_transpose + b) against f applied to the reference in double.
     */
    @TestFactory
    Stream<DynamicTest> fusedActivations() {
        List<OpCheck> checks = new ArrayList<>();
        int[] one = s(1, 1);
        List<Epilogue> epilogues = new ArrayList<>();
        for (UnaryOp op : Epilogue.ACTIVATIONS) { // every activation of the UnaryOp table, with a non-trivial parameter
            epilogues.add(new Epilogue(op, op == UnaryOp.LEAKY_RELU ? 0.1f : op == UnaryOp.ELU ? 1f : 0f));
        }
        for (Epilogue f : epilogues) {
            int[] xs = s(2, 3, 9, 8);
            int[] ws = s(4, 3, 3, 3);
            checks.add(OpCheck.of("conv2d", "3x3 pad 1, bias, fused " + f)
                    .input("x", xs).noGrad().input("w", ws).noGrad().input("b", 4).noGrad()
                    .op(t -> Convolution.conv2d(t[0], t[1], t[2], one, one, one, 1, f))
                    .reference(ReferenceConv.conv2dShape(xs, ws, one, one, one), a -> activate(f,
                            ReferenceConv.conv2d(a[0], xs, a[1], ws, a[2], one, one, one, 1))));
            int[] xt = s(2, 4, 5, 6);
            int[] wt = s(4, 3, 3, 3);
            int[] two = s(2, 2);
            checks.add(OpCheck.of("conv_transpose2d", "k3 stride 2 pad 1 output pad 1, bias, fused " + f)
                    .input("x", xt).noGrad().input("w", wt).noGrad().input("b", 3).noGrad()
                    .op(t -> Convolution.convTranspose2d(t[0], t[1], t[2], two, one, one, one, 1, f))
                    .reference(ReferenceConv.convTranspose2dShape(xt, wt, two, one, one, one, 1), a -> activate(f,
                            ReferenceConv.convTranspose2d(a[0], xt, a[1], wt, a[2], two, one, one, one, 1))));
        }
        return run(checks);
    }

    private static double[] activate(Epilogue f, double[] v) {
        return ReferenceElementwise.map(v, x -> f.op().reference(x, f.p1(), 0)); // the table's double f
    }

    @TestFactory
    Stream<DynamicTest> convTranspose2d() {
        return run(Stream.of(
                new ConvT("stride 1", 1, 2, 4, 4, 3, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, false),
                new ConvT("stride 2, pad 1, output pad 1, bias", 2, 3, 3, 4, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true),
                new ConvT("k2 stride 2 (U-Net up-convolution)", 2, 4, 3, 3, 2, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, true),
                new ConvT("groups 2, dilation 2, output pad 1", 1, 4, 3, 3, 2, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2, 2, true),
                new ConvT("non-square kernel and stride", 2, 2, 3, 4, 3, 3, 2, 2, 1, 1, 0, 1, 0, 1, 1, 1, true),
                new ConvT("stride 3, pad 2, output pad 2", 1, 2, 3, 3, 2, 4, 4, 3, 3, 2, 2, 2, 2, 1, 1, 1, false),
                new ConvT("1x1 input", 2, 3, 1, 1, 2, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, true))
                .map(BackendConformanceSuite::convTranspose2d).toList());
    }

    // ===== pooling and upsampling ==========================================================================

    @TestFactory
    Stream<DynamicTest> pooling() {
        int[][] cases = { // shape (4), kernel, stride, padding
                {1, 1, 4, 4, 2, 2, 0},
                {2, 3, 7, 7, 3, 2, 1},
                {2, 2, 5, 6, 3, 1, 1},
                {2, 2, 5, 5, 2, 2, 0},
                {1, 2, 6, 5, 3, 3, 0},
                {2, 1, 4, 6, 2, 2, 1},
        };
        List<OpCheck> checks = new ArrayList<>();
        for (int[] c : cases) {
            int[] shape = Arrays.copyOf(c, 4);
            int k = c[4], st = c[5], p = c[6];
            String geometry = Arrays.toString(shape) + " k" + k + " s" + st + " p" + p;
            int[] out = ReferencePool.shape(shape, k, st, p);
            checks.add(OpCheck.of("pool", "max " + geometry).input("x", shape).distinct()
                    .op(t -> Pooling.maxPool2d(t[0], k, st, p))
                    .reference(out, a -> ReferencePool.maxPool2d(a[0], shape, k, st, p)));
            for (boolean include : new boolean[] {true, false}) {
                if (p == 0 && !include) {
                    continue; // identical to the include case
                }
                checks.add(OpCheck.of("pool", "avg " + geometry + (include ? " countIncludePad" : " excludePad"))
                        .input("x", shape)
                        .op(t -> Pooling.avgPool2d(t[0], k, st, p, include))
                        .reference(out, a -> ReferencePool.avgPool2d(a[0], shape, k, st, p, include)));
            }
        }
        return run(checks);
    }

    @TestFactory
    Stream<DynamicTest> upsampling() {
        Object[][] cases = {
                {s(2, 3, 3, 4), 2, UpsampleMode.NEAREST},
                {s(1, 2, 2, 3), 3, UpsampleMode.NEAREST},
                {s(1, 2, 3, 3), 1, UpsampleMode.NEAREST},
                {s(2, 2, 3, 5), 2, UpsampleMode.BILINEAR},
                {s(1, 2, 4, 3), 3, UpsampleMode.BILINEAR},
                {s(1, 1, 2, 2), 4, UpsampleMode.BILINEAR},
                {s(1, 1, 1, 3), 2, UpsampleMode.BILINEAR},
                {s(1, 2, 3, 3), 1, UpsampleMode.BILINEAR},
        };
        List<OpCheck> checks = new ArrayList<>();
        for (Object[] c : cases) {
            int[] shape = (int[]) c[0];
            int f = (Integer) c[1];
            UpsampleMode mode = (UpsampleMode) c[2];
            checks.add(OpCheck.of("upsample", mode.name().toLowerCase(Locale.ROOT) + " " + Arrays.toString(shape)
                            + " ×" + f).input("x", shape)
                    .op(t -> Upsampling.upsample(t[0], f, mode))
                    .reference(ReferenceUpsample.shape(shape, f), a -> mode == UpsampleMode.NEAREST
                            ? ReferenceUpsample.nearest(a[0], shape, f) : ReferenceUpsample.bilinear(a[0], shape, f)));
        }
        return run(checks);
    }

    // ===== batch normalisation =============================================================================

    private static final float BN_EPS = 1e-5f;

    @TestFactory
    Stream<DynamicTest> batchNorm() {
        List<OpCheck> checks = new ArrayList<>();
        for (int[] shape : new int[][] {s(2, 3, 3, 4), s(4, 2, 1, 1), s(1, 2, 3, 3)}) {
            int c = shape[1];
            checks.add(OpCheck.of("batch_norm2d", "train, affine " + Arrays.toString(shape))
                    .input("x", shape).range(-2, 3).input("gamma", c).range(0.5, 1.5).input("beta", c)
                    .op(t -> Normalization.batchNorm2d(t[0], null, null, t[1], t[2], true, 0.1f, BN_EPS))
                    .reference(shape, a -> ReferenceBatchNorm.train(a[0], shape, a[1], a[2], BN_EPS)));
        }
        int[] shape = s(2, 3, 3, 4);
        checks.add(OpCheck.of("batch_norm2d", "train, no affine").input("x", shape)
                .op(t -> Normalization.batchNorm2d(t[0], null, null, null, null, true, 0.1f, BN_EPS))
                .reference(shape, a -> ReferenceBatchNorm.train(a[0], shape, null, null, BN_EPS)));
        checks.add(OpCheck.of("batch_norm2d", "train, tracking running statistics").input("x", shape)
                .input("running mean", 3).noGrad().mutable()
                .input("running var", 3).range(0.5, 2).noGrad().mutable()
                .input("gamma", 3).input("beta", 3)
                .op(t -> Normalization.batchNorm2d(t[0], t[1], t[2], t[3], t[4], true, 0.1f, BN_EPS))
                .reference(shape, a -> ReferenceBatchNorm.train(a[0], shape, a[3], a[4], BN_EPS)));
        checks.add(OpCheck.of("batch_norm2d", "eval, running statistics, affine").input("x", shape)
                .input("running mean", 3).range(-0.5, 0.5).noGrad()
                .input("running var", 3).range(0.5, 2).noGrad()
                .input("gamma", 3).input("beta", 3)
                .op(t -> Normalization.batchNorm2d(t[0], t[1], t[2], t[3], t[4], false, 0.1f, BN_EPS))
                .reference(shape, a -> ReferenceBatchNorm.eval(a[0], shape, a[1], a[2], a[3], a[4], BN_EPS)));
        checks.add(OpCheck.of("batch_norm2d", "eval, no affine, batch 1").input("x", 1, 2, 3, 5)
                .input("running mean", 2).noGrad()
                .input("running var", 2).range(0.5, 2).noGrad()
                .op(t -> Normalization.batchNorm2d(t[0], t[1], t[2], null, null, false, 0.1f, BN_EPS))
                .reference(s(1, 2, 3, 5), a -> ReferenceBatchNorm.eval(a[0], s(1, 2, 3, 5), a[1], a[2], null, null,
                        BN_EPS)));
        return run(checks);
    }

    @Test
    void batchNormUpdatesRunningStatisticsWithMomentumAndUnbiasedVariance() {
        int[] shape = s(3, 2, 4, 5); // M = 60 values per channel
        double momentum = 0.1f;
        double[] mean = {0.1, -0.2};
        double[] var = {1.5, 0.7};
        Tensor runningMean = on(new float[] {0.1f, -0.2f}, 2);
        Tensor runningVar = on(new float[] {1.5f, 0.7f}, 2);
        for (int step = 0; step < 3; step++) {
            float[] x = uniformValues(100 + step, NdIndex.numel(shape), -1 + step, 2 + 2 * step);
            mean = ReferenceBatchNorm.runningUpdate(mean, ReferenceBatchNorm.mean(widen(x), shape), momentum);
            var = ReferenceBatchNorm.runningUpdate(var, ReferenceBatchNorm.variance(widen(x), shape, true), momentum);
            Normalization.batchNorm2d(on(x, shape), runningMean, runningVar, null, null, true, (float) momentum, BN_EPS);
            assertClose(mean, runningMean.toArray(), Tolerances.FORWARD, "running mean after step " + step);
            assertClose(var, runningVar.toArray(), Tolerances.FORWARD, "running variance (unbiased) after step " + step);
        }
        // momentum 1 keeps only the last batch; momentum 0 freezes the statistics
        float[] x = uniformValues(7, NdIndex.numel(shape), -3, 1);
        Normalization.batchNorm2d(on(x, shape), runningMean, runningVar, null, null, true, 1f, BN_EPS);
        assertClose(ReferenceBatchNorm.mean(widen(x), shape), runningMean.toArray(), Tolerances.FORWARD, "momentum 1 mean");
        assertClose(ReferenceBatchNorm.variance(widen(x), shape, true), runningVar.toArray(), Tolerances.FORWARD,
                "momentum 1 variance");
        float[] frozenMean = runningMean.toArray();
        float[] frozenVar = runningVar.toArray();
        Normalization.batchNorm2d(on(uniformValues(8, NdIndex.numel(shape), 0, 5), shape), runningMean, runningVar,
                null, null, true, 0f, BN_EPS);
        assertArrayEquals(frozenMean, runningMean.toArray(), "momentum 0 must leave the running mean unchanged");
        assertArrayEquals(frozenVar, runningVar.toArray(), "momentum 0 must leave the running variance unchanged");
    }

    @Test
    void batchNormEvalUsesRunningStatisticsAndLeavesThemAlone() {
        int[] shape = s(4, 3, 2, 3);
        float[] x = uniformValues(11, NdIndex.numel(shape), -2, 2);
        float[] rm = {0.3f, -0.1f, 0.5f};
        float[] rv = {0.8f, 1.7f, 0.4f};
        Tensor runningMean = on(rm, 3);
        Tensor runningVar = on(rv, 3);
        Tensor y = Normalization.batchNorm2d(on(x, shape), runningMean, runningVar, null, null, false, 0.1f, BN_EPS);
        assertClose(ReferenceBatchNorm.eval(widen(x), shape, widen(rm), widen(rv), null, null, BN_EPS), y.toArray(),
                Tolerances.FORWARD, "eval output");
        assertArrayEquals(rm, runningMean.toArray(), "eval must not change the running mean");
        assertArrayEquals(rv, runningVar.toArray(), "eval must not change the running variance");
        // each sample is normalised on its own: the first sample alone gives the same output as in the batch
        int per = NdIndex.numel(shape) / shape[0];
        Tensor alone = Normalization.batchNorm2d(on(Arrays.copyOf(x, per), 1, 3, 2, 3), runningMean, runningVar,
                null, null, false, 0.1f, BN_EPS);
        assertArrayEquals(Arrays.copyOf(y.toArray(), per), alone.toArray(), 0f, "eval output depends on the batch");
        // and training on the same input normalises with the batch statistics instead: mean 0, variance 1
        Tensor trained = Normalization.batchNorm2d(on(x, shape), null, null, null, null, true, 0.1f, BN_EPS);
        double[] tm = ReferenceBatchNorm.mean(widen(trained.toArray()), shape);
        double[] tv = ReferenceBatchNorm.variance(widen(trained.toArray()), shape, false);
        for (int c = 0; c < 3; c++) {
            assertEquals(0, tm[c], 1e-5, "training output mean of channel " + c);
            assertEquals(1, tv[c], 1e-3, "training output variance of channel " + c + " (1 − ε/σ²)");
        }
    }

    // ===== dropout =========================================================================================

    @Test
    void dropoutEvalIsIdentityAndTrainingDropsAboutPScalingSurvivors() {
        int[] shape = s(4, 5000);
        int n = NdIndex.numel(shape);
        float[] values = uniformValues(21, n, 0.5, 1.5);
        Tensor x = on(values, shape);
        float p = 0.3f;

        assertArrayEquals(values, Dropout.dropout(x, p, 42, false).toArray(), 0f, "eval must be the identity");
        assertArrayEquals(values, Dropout.dropout(x, 0f, 42, true).toArray(), 0f, "p = 0 must be the identity");

        float[] y = Dropout.dropout(x, p, 42, true).toArray();
        float scale = 1f / (1f - p);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (y[i] != 0f) {
                kept++;
                assertEquals(values[i] * (double) scale, y[i], 2 * Math.ulp(y[i]), "survivor " + i + " scaled by 1/(1 − p)");
            }
        }
        double keep = 1 - p;
        double sigma = Math.sqrt(keep * (1 - keep) / n);
        double fraction = kept / (double) n;
        assertEquals(keep, fraction, Tolerances.STATISTICAL_SIGMAS * sigma, "fraction kept");

        assertArrayEquals(y, Dropout.dropout(x, p, 42, true).toArray(), 0f, "same seed must give the same mask");
        float[] other = Dropout.dropout(x, p, 43, true).toArray();
        int differ = 0;
        for (int i = 0; i < n; i++) {
            if ((y[i] == 0f) != (other[i] == 0f)) {
                differ++;
            }
        }
        // independent masks disagree at 2·p·(1 − p) = 42 % of positions
        assertEquals(2 * p * keep, differ / (double) n, 0.05, "a different seed must give an independent mask");

        assertArrayEquals(new float[n], Dropout.dropout(x, 1f, 42, true).toArray(), 0f, "p = 1 drops everything");
    }

    @Test
    void dropoutMaskFollowsTheDocumentedCounterGeneratorAndGradientUsesIt() {
        int[] shape = s(3, 7, 11);
        int n = NdIndex.numel(shape);
        float[] values = uniformValues(22, n, 0.5, 1.5);
        Tensor x = on(values, shape).requiresGrad(true);
        float p = 0.4f;
        long seed = 12345;
        Tensor y = Dropout.dropout(x, p, seed, true);
        float[] r = uniformValues(23, n, -1, 1);
        y.backward(on(r, shape));
        float[] out = y.toArray();
        float[] grad = x.grad().toArray();
        float scale = 1f / (1f - p);
        for (int i = 0; i < n; i++) {
            boolean keep = CounterRandom.uniform(seed, i) < 1f - p;
            assertEquals(keep ? values[i] * scale : 0f, out[i], 2 * Math.ulp(values[i] * scale), "output " + i);
            assertEquals(keep ? r[i] * scale : 0f, grad[i], 2 * Math.ulp(r[i] * scale), "gradient " + i);
        }
    }

    // ===== seeded random fills =============================================================================

    private Tensor fill(RandomDistribution distribution, long seed, float p1, float p2, int n) {
        Backend backend = Backends.get(device());
        Storage storage = backend.allocate(n);
        backend.fillRandom(storage, distribution, seed, p1, p2);
        return Tensor.fromStorage(storage, n);
    }

    @Test
    void uniformFillIsSeededInRangeAndHasUniformMoments() {
        int n = 40_000;
        float low = -2f, high = 3f;
        float[] a = fill(RandomDistribution.UNIFORM, 5, low, high, n).toArray();
        assertArrayEquals(a, fill(RandomDistribution.UNIFORM, 5, low, high, n).toArray(), 0f, "same seed, same values");
        assertTrue(!Arrays.equals(a, fill(RandomDistribution.UNIFORM, 6, low, high, n).toArray()), "seeds must differ");
        double mean = 0, sq = 0;
        for (int i = 0; i < n; i++) {
            assertTrue(a[i] >= low && a[i] < high, "value " + a[i] + " outside [" + low + ", " + high + ")");
            assertEquals(low + (high - low) * CounterRandom.uniform(5, i), a[i], Tolerances.RANDOM_UNIFORM_ABSOLUTE,
                    "element " + i + " must be the documented counter-based stream");
            mean += a[i];
        }
        mean /= n;
        for (float v : a) {
            sq += (v - mean) * (v - mean);
        }
        double var = sq / n;
        double width = high - low;
        assertEquals((low + high) / 2.0, mean, Tolerances.STATISTICAL_SIGMAS * width / Math.sqrt(12.0 * n), "mean");
        assertEquals(width * width / 12, var, Tolerances.STATISTICAL_SIGMAS * width * width * 0.0745 / Math.sqrt(n),
                "variance");
        // the creation API gives the same stream
        assertArrayEquals(a, Tensor.uniform(5, low, high, n).to(device()).toArray(), 0f, "Tensor.uniform");
    }

    @Test
    void normalFillIsSeededAndHasNormalMoments() {
        int n = 40_000;
        float mu = 0.5f, sigma = 2f;
        float[] a = fill(RandomDistribution.NORMAL, 9, mu, sigma, n).toArray();
        assertArrayEquals(a, fill(RandomDistribution.NORMAL, 9, mu, sigma, n).toArray(), 0f, "same seed, same values");
        assertTrue(!Arrays.equals(a, fill(RandomDistribution.NORMAL, 10, mu, sigma, n).toArray()), "seeds must differ");
        double mean = 0, sq = 0;
        for (int i = 0; i < n; i++) {
            assertTrue(Float.isFinite(a[i]), "value " + i + " is " + a[i]);
            assertEquals(mu + sigma * CounterRandom.normal(9, i), a[i], Tolerances.RANDOM_NORMAL_ABSOLUTE * sigma,
                    "element " + i + " must be the documented counter-based stream");
            mean += a[i];
        }
        mean /= n;
        for (float v : a) {
            sq += (v - mean) * (v - mean);
        }
        double var = sq / n;
        assertEquals(mu, mean, Tolerances.STATISTICAL_SIGMAS * sigma / Math.sqrt(n), "mean");
        assertEquals(sigma * sigma, var, Tolerances.STATISTICAL_SIGMAS * sigma * sigma * Math.sqrt(2.0 / n), "variance");
        assertArrayEquals(a, Tensor.normal(9, mu, sigma, n).to(device()).toArray(), 0f, "Tensor.normal");
    }

    // ===== losses ==========================================================================================

    @TestFactory
    Stream<DynamicTest> losses() {
        List<OpCheck> checks = new ArrayList<>();
        for (int[] shape : new int[][] {s(4, 5), s(2, 1, 3, 3)}) {
            String sh = " " + Arrays.toString(shape);
            checks.add(OpCheck.of("loss", "binary_cross_entropy, 0/1 targets" + sh)
                    .input("p", shape).range(0.02, 0.98).input("target", shape).integers(2)
                    .op(t -> Losses.binaryCrossEntropy(t[0], t[1]))
                    .reference(s(), a -> new double[] {ReferenceLoss.binaryCrossEntropy(a[0], a[1])}));
            checks.add(OpCheck.of("loss", "binary_cross_entropy, soft targets" + sh)
                    .input("p", shape).range(0.02, 0.98).input("target", shape).range(0, 1).noGrad()
                    .op(t -> Losses.binaryCrossEntropy(t[0], t[1]))
                    .reference(s(), a -> new double[] {ReferenceLoss.binaryCrossEntropy(a[0], a[1])}));
            checks.add(OpCheck.of("loss", "binary_cross_entropy_with_logits, 0/1 targets" + sh)
                    .input("x", shape).range(-6, 6).input("target", shape).integers(2)
                    .op(t -> Losses.binaryCrossEntropyWithLogits(t[0], t[1]))
                    .reference(s(), a -> new double[] {ReferenceLoss.binaryCrossEntropyWithLogits(a[0], a[1])}));
            checks.add(OpCheck.of("loss", "binary_cross_entropy_with_logits, soft targets" + sh)
                    .input("x", shape).range(-6, 6).input("target", shape).range(0, 1).noGrad()
                    .op(t -> Losses.binaryCrossEntropyWithLogits(t[0], t[1]))
                    .reference(s(), a -> new double[] {ReferenceLoss.binaryCrossEntropyWithLogits(a[0], a[1])}));
            checks.add(OpCheck.of("loss", "mse" + sh)
                    .input("prediction", shape).input("target", shape).noGrad()
                    .op(t -> Losses.mse(t[0], t[1]))
                    .reference(s(), a -> new double[] {ReferenceLoss.mse(a[0], a[1])}));
        }
        checks.add(OpCheck.of("loss", "binary_cross_entropy_with_logits, saturated logits |x| ≤ 30")
                .input("x", 3, 4).range(-30, 30).input("target", 3, 4).integers(2)
                .op(t -> Losses.binaryCrossEntropyWithLogits(t[0], t[1]))
                .reference(s(), a -> new double[] {ReferenceLoss.binaryCrossEntropyWithLogits(a[0], a[1])}));
        checks.add(OpCheck.of("loss", "cross_entropy, logits near float32 exp overflow")
                .input("logits", 4, 5).range(80, 90).input("target", 4).integers(5)
                .op(t -> Losses.crossEntropy(t[0], t[1]))
                .reference(s(), a -> new double[] {ReferenceLoss.crossEntropy(a[0], s(4, 5), a[1])}));
        int[][][] ce = { // logits shape, target shape
                {s(6, 4), s(6)},
                {s(3, 5, 7), s(3, 7)},
                {s(2, 3, 4, 5), s(2, 4, 5)},
                {s(1, 2, 1, 1), s(1, 1, 1)},
        };
        for (int[][] c : ce) {
            int[] ls = c[0];
            String sh = " " + Arrays.toString(ls);
            checks.add(OpCheck.of("loss", "cross_entropy" + sh)
                    .input("logits", ls).range(-3, 3).input("target", c[1]).integers(ls[1])
                    .op(t -> Losses.crossEntropy(t[0], t[1]))
                    .reference(s(), a -> new double[] {ReferenceLoss.crossEntropy(a[0], ls, a[1])}));
            checks.add(OpCheck.of("loss", "nll_loss" + sh)
                    .input("logp", ls).range(-4, 0).input("target", c[1]).integers(ls[1])
                    .op(t -> Losses.nllLoss(t[0], t[1]))
                    .reference(s(), a -> new double[] {ReferenceLoss.nllLoss(a[0], ls, a[1])}));
        }
        return run(checks);
    }

    // ===== shaping =========================================================================================

    @TestFactory
    Stream<DynamicTest> shaping() {
        List<OpCheck> checks = new ArrayList<>();
        int[] x3 = s(2, 3, 4);
        checks.add(OpCheck.of("shaping", "reshape with -1").input("x", x3)
                .op(t -> t[0].reshape(6, -1)).reference(s(6, 4), a -> a[0].clone()));
        checks.add(OpCheck.of("shaping", "reshape to rank 1, then back").input("x", x3)
                .op(t -> t[0].reshape(24).mul(2f).reshape(4, 3, 2))
                .reference(s(4, 3, 2), a -> ReferenceElementwise.map(a[0], v -> 2 * v)));
        for (int[][] c : new int[][][] {
                {s(2, 3, 4, 5), s(2, 0, 3, 1)},
                {s(3, 4, 5), s(-1, 0, 1)},
                {s(4, 5), s(1, 0)},
                {s(2, 1, 3), s(2, 1, 0)}}) {
            int[] shape = c[0], perm = c[1];
            checks.add(OpCheck.of("shaping", "permute " + Arrays.toString(shape) + " " + Arrays.toString(perm))
                    .input("x", shape).op(t -> t[0].permute(perm))
                    .reference(ReferenceShaping.permutedShape(shape, perm), a -> ReferenceShaping.permute(a[0], shape, perm)));
        }
        checks.add(OpCheck.of("shaping", "transpose -1, -3").input("x", x3)
                .op(t -> Shaping.transpose(t[0], -1, -3))
                .reference(s(4, 3, 2), a -> ReferenceShaping.permute(a[0], x3, s(2, 1, 0))));
        checks.add(OpCheck.of("shaping", "transpose 0, 1 of a matrix").input("x", 4, 5)
                .op(t -> Shaping.transpose(t[0], 0, 1))
                .reference(s(5, 4), a -> ReferenceMatmul.transposeLast(a[0], s(4, 5))));
        checks.add(OpCheck.of("shaping", "unsqueeze -1").input("x", 3, 4)
                .op(t -> Shaping.unsqueeze(t[0], -1)).reference(s(3, 4, 1), a -> a[0].clone()));
        checks.add(OpCheck.of("shaping", "unsqueeze 0").input("x", 3, 4)
                .op(t -> Shaping.unsqueeze(t[0], 0)).reference(s(1, 3, 4), a -> a[0].clone()));
        checks.add(OpCheck.of("shaping", "squeeze -2").input("x", 3, 1, 4)
                .op(t -> Shaping.squeeze(t[0], -2)).reference(s(3, 4), a -> a[0].clone()));
        int[] x5 = s(2, 3, 5);
        checks.add(OpCheck.of("shaping", "slice dim -1 [1, 4)").input("x", x5)
                .op(t -> t[0].slice(-1, 1, 4))
                .reference(s(2, 3, 3), a -> ReferenceShaping.crop(a[0], x5, s(0, 0, 1), s(2, 3, 3))));
        checks.add(OpCheck.of("shaping", "slice dim 0 [1, 2)").input("x", x5)
                .op(t -> t[0].slice(0, 1, 2))
                .reference(s(1, 3, 5), a -> ReferenceShaping.crop(a[0], x5, s(1, 0, 0), s(1, 3, 5))));
        int[] img = s(2, 3, 7, 6);
        checks.add(OpCheck.of("shaping", "crop").input("x", img)
                .op(t -> Shaping.crop(t[0], s(0, 1, 2, 1), s(2, 2, 4, 3)))
                .reference(s(2, 2, 4, 3), a -> ReferenceShaping.crop(a[0], img, s(0, 1, 2, 1), s(2, 2, 4, 3))));
        int[] small = s(2, 3, 3, 4);
        checks.add(OpCheck.of("shaping", "pad spatial with 0").input("x", small)
                .op(t -> Shaping.pad(t[0], s(0, 0, 1, 2), s(0, 0, 2, 1), 0f))
                .reference(ReferenceShaping.paddedShape(small, s(0, 0, 1, 2), s(0, 0, 2, 1)),
                        a -> ReferenceShaping.pad(a[0], small, s(0, 0, 1, 2), s(0, 0, 2, 1), 0)));
        checks.add(OpCheck.of("shaping", "pad every axis with 1.5").input("x", 3, 4)
                .op(t -> Shaping.pad(t[0], s(1, 0), s(2, 3), 1.5f))
                .reference(s(6, 7), a -> ReferenceShaping.pad(a[0], s(3, 4), s(1, 0), s(2, 3), 1.5)));
        int[][] parts = {s(2, 1, 3), s(2, 3, 3), s(2, 2, 3)};
        checks.add(OpCheck.of("shaping", "concat dim 1 of three").input("a", parts[0]).input("b", parts[1])
                .input("c", parts[2])
                .op(t -> Shaping.concat(1, t[0], t[1], t[2]))
                .reference(ReferenceShaping.concatShape(parts, 1), a -> ReferenceShaping.concat(a, parts, 1)));
        int[][] rows = {s(2, 3), s(1, 3)};
        checks.add(OpCheck.of("shaping", "concat dim 0 with a constant part").input("a", rows[0])
                .input("constant", rows[1]).noGrad()
                .op(t -> Shaping.concat(0, t[0], t[1]))
                .reference(ReferenceShaping.concatShape(rows, 0), a -> ReferenceShaping.concat(a, rows, 0)));
        checks.add(OpCheck.of("shaping", "pad a vector").input("x", 5)
                .op(t -> Shaping.pad(t[0], s(2), s(1), -1f))
                .reference(s(8), a -> ReferenceShaping.pad(a[0], s(5), s(2), s(1), -1)));
        int[][] cols = {s(3, 2), s(3, 4)};
        checks.add(OpCheck.of("shaping", "concat dim -1").input("a", cols[0]).input("b", cols[1])
                .op(t -> Shaping.concat(-1, t[0], t[1]))
                .reference(ReferenceShaping.concatShape(cols, -1), a -> ReferenceShaping.concat(a, cols, -1)));
        int[] whole = s(2, 7, 3);
        int[] sizes = {2, 4, 1};
        for (int piece = 0, start = 0; piece < sizes.length; start += sizes[piece], piece++) {
            int i = piece, from = start;
            int[] out = s(2, sizes[i], 3);
            checks.add(OpCheck.of("shaping", "split dim 1 " + Arrays.toString(sizes) + " piece " + i)
                    .input("x", whole)
                    .op(t -> Shaping.split(t[0], 1, sizes).get(i))
                    .reference(out, a -> ReferenceShaping.crop(a[0], whole, s(0, from, 0), out)));
        }
        checks.add(OpCheck.of("shaping", "split dim -1 then concat in reverse").input("x", 3, 5)
                .op(t -> {
                    List<Tensor> p = Shaping.split(t[0], -1, 2, 3);
                    return Shaping.concat(-1, p.get(1), p.get(0));
                })
                .reference(s(3, 5), a -> ReferenceShaping.concat(new double[][] {
                        ReferenceShaping.crop(a[0], s(3, 5), s(0, 2), s(3, 3)),
                        ReferenceShaping.crop(a[0], s(3, 5), s(0, 0), s(3, 2))}, new int[][] {s(3, 3), s(3, 2)}, -1)));
        for (int[][] c : new int[][][] {{s(3, 1), s(2, 3, 4)}, {s(4), s(2, 3, 4)}, {s(2, 1, 4), s(2, 3, 4)},
                {s(1, 1), s(5, 1)}}) {
            int[] from = c[0], to = c[1];
            checks.add(OpCheck.of("shaping", "expand " + Arrays.toString(from) + " to " + Arrays.toString(to))
                    .input("x", from).op(t -> Shaping.expand(t[0], to))
                    .reference(to, a -> ReferenceShaping.expand(a[0], from, to)));
        }
        checks.add(OpCheck.of("shaping", "to cpu and back keeps the graph").input("x", 2, 3)
                .op(t -> t[0].to(Device.CPU).mul(2f).to(device()))
                .reference(s(2, 3), a -> ReferenceElementwise.map(a[0], v -> 2 * v)));
        return run(checks);
    }

    // ===== seeded random configurations ====================================================================

    /**
     * Geometries drawn at random (from a fixed seed, so the names below are stable): conv2d,
     * conv_transpose2d, pooling, broadcasting and reductions with sizes, strides, paddings, dilations, groups
     * and dims the hand-picked cases above do not list. Each case's name spells out its configuration.
     */
    @TestFactory
    Stream<DynamicTest> randomConfigurations() {
        SplittableRandom r = new SplittableRandom(20_240_601);
        List<OpCheck> checks = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int groups = 1 + r.nextInt(3);
            int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
            int dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
            int ph = r.nextInt(kh + 1), pw = r.nextInt(kw + 1);
            int h = Math.max(1 + r.nextInt(8), dh * (kh - 1) + 1 - 2 * ph);
            int w = Math.max(1 + r.nextInt(8), dw * (kw - 1) + 1 - 2 * pw);
            Conv c = new Conv("", 1 + r.nextInt(2), groups * (1 + r.nextInt(2)), h, w, groups * (1 + r.nextInt(2)),
                    kh, kw, 1 + r.nextInt(3), 1 + r.nextInt(3), ph, pw, dh, dw, groups, r.nextBoolean());
            checks.add(conv2d(new Conv("random #" + i + " " + describe(c), c.n, c.cin, c.h, c.w, c.cout, c.kh,
                    c.kw, c.sh, c.sw, c.ph, c.pw, c.dh, c.dw, c.groups, c.bias)));
        }
        for (int i = 0; i < 8; i++) {
            int groups = 1 + r.nextInt(2);
            int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
            int sh = 1 + r.nextInt(3), sw = 1 + r.nextInt(3);
            int dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
            int h = 1 + r.nextInt(4), w = 1 + r.nextInt(4);
            int ph = r.nextInt(kh), pw = r.nextInt(kw);
            int oph = r.nextInt(sh), opw = r.nextInt(sw);
            // keep the output non-empty: (H − 1)·s − 2p + d(k − 1) + op + 1 ≥ 1
            ph = Math.min(ph, ((h - 1) * sh + dh * (kh - 1) + oph) / 2);
            pw = Math.min(pw, ((w - 1) * sw + dw * (kw - 1) + opw) / 2);
            ConvT c = new ConvT("", 1 + r.nextInt(2), groups * (1 + r.nextInt(2)), h, w, 1 + r.nextInt(2), kh, kw,
                    sh, sw, ph, pw, oph, opw, dh, dw, groups, r.nextBoolean());
            checks.add(convTranspose2d(new ConvT("random #" + i + " " + describe(c), c.n, c.cin, c.h, c.w,
                    c.coutPerGroup, c.kh, c.kw, c.sh, c.sw, c.ph, c.pw, c.oph, c.opw, c.dh, c.dw, c.groups, c.bias)));
        }
        for (int i = 0; i < 8; i++) {
            int k = 1 + r.nextInt(4), st = 1 + r.nextInt(3), p = r.nextInt(k / 2 + 1);
            int[] shape = s(1 + r.nextInt(2), 1 + r.nextInt(3), Math.max(k - 2 * p, 1) + r.nextInt(6),
                    Math.max(k - 2 * p, 1) + r.nextInt(6));
            boolean include = r.nextBoolean();
            String geometry = Arrays.toString(shape) + " k" + k + " s" + st + " p" + p;
            int[] out = ReferencePool.shape(shape, k, st, p);
            checks.add(OpCheck.of("pool", "random #" + i + " max " + geometry).input("x", shape).distinct()
                    .op(t -> Pooling.maxPool2d(t[0], k, st, p))
                    .reference(out, a -> ReferencePool.maxPool2d(a[0], shape, k, st, p)));
            checks.add(OpCheck.of("pool", "random #" + i + " avg " + geometry
                            + (include ? " countIncludePad" : " excludePad")).input("x", shape)
                    .op(t -> Pooling.avgPool2d(t[0], k, st, p, include))
                    .reference(out, a -> ReferencePool.avgPool2d(a[0], shape, k, st, p, include)));
        }
        String[] ops = {"add", "sub", "mul", "div"};
        for (int i = 0; i < 12; i++) {
            int rank = 1 + r.nextInt(4);
            int[] out = new int[rank];
            for (int d = 0; d < rank; d++) {
                out[d] = 2 + r.nextInt(3);
            }
            int[] a = randomOperand(out, r), b = randomOperand(out, r);
            String op = ops[r.nextInt(4)];
            OpCheck c = switch (op) {
                case "add" -> binary("random #" + i + " add", a, b, Tensor::add, Double::sum);
                case "sub" -> binary("random #" + i + " sub", a, b, Tensor::sub, (x, y) -> x - y);
                case "mul" -> binary("random #" + i + " mul", a, b, Tensor::mul, (x, y) -> x * y);
                default -> binary("random #" + i + " div", a, b, Tensor::div, (x, y) -> x / y).range(0.5, 2);
            };
            checks.add(c);
        }
        String[] kinds = {"sum", "mean", "max"};
        for (int i = 0; i < 9; i++) {
            int rank = 1 + r.nextInt(4);
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = 1 + r.nextInt(5);
            }
            List<Integer> dims = new ArrayList<>();
            for (int d = 0; d < rank; d++) {
                if (r.nextInt(2) == 0) {
                    dims.add(r.nextBoolean() ? d : d - rank);
                }
            }
            if (dims.isEmpty()) {
                dims.add(-1);
            }
            checks.add(reduction("random #" + i + " " + kinds[i % 3], shape,
                    dims.stream().mapToInt(Integer::intValue).toArray(), r.nextBoolean()));
        }
        return run(checks);
    }

    /** {@code out} with some leading axes dropped and some sizes set to 1: an operand that broadcasts to it. */
    private static int[] randomOperand(int[] out, SplittableRandom r) {
        int drop = r.nextInt(3) == 0 ? r.nextInt(out.length + 1) : 0;
        int[] s = Arrays.copyOfRange(out, drop, out.length);
        for (int d = 0; d < s.length; d++) {
            if (r.nextInt(3) == 0) {
                s[d] = 1;
            }
        }
        return s;
    }

    private static String describe(Conv c) {
        return String.format(Locale.ROOT, "x(%d,%d,%d,%d) w(%d,%d,%d,%d) s(%d,%d) p(%d,%d) d(%d,%d) g%d%s", c.n, c.cin,
                c.h, c.w, c.cout, c.cin / c.groups, c.kh, c.kw, c.sh, c.sw, c.ph, c.pw, c.dh, c.dw, c.groups,
                c.bias ? " bias" : "");
    }

    private static String describe(ConvT c) {
        return String.format(Locale.ROOT, "x(%d,%d,%d,%d) w(%d,%d,%d,%d) s(%d,%d) p(%d,%d) op(%d,%d) d(%d,%d) g%d%s",
                c.n, c.cin, c.h, c.w, c.cin, c.coutPerGroup, c.kh, c.kw, c.sh, c.sw, c.ph, c.pw, c.oph, c.opw, c.dh,
                c.dw, c.groups, c.bias ? " bias" : "");
    }

    // ===== tensor creation and backend memory operations ===================================================

    // ===== detection: RoIAlign, gather/scatter-add, IoU, NMS, top-k (DetectionOpCases) ====================

    @TestFactory
    Stream<DynamicTest> detectionOps() {
        return Stream.of(DetectionOpCases.roiAlignCases(device()), DetectionOpCases.roiAlignRandomCases(device()), DetectionOpCases.indexingCases(device()),
                DetectionOpCases.boxCases(device()), DetectionOpCases.behaviourCases(device())).flatMap(s -> s);
    }

    @Test
    void creationFunctionsGiveTheDocumentedValuesOnTheDevice() {
        assertArrayEquals(new float[] {0, 1, 2, 3, 4}, Tensor.arange(5).to(device()).toArray(), "arange(n)");
        assertArrayEquals(new float[] {0.5f, 0.75f, 1f, 1.25f}, Tensor.arange(0.5f, 1.5f, 0.25f).to(device()).toArray(),
                "arange with a step");
        assertArrayEquals(new float[] {3, 1, -1}, Tensor.arange(3, -2, -2).to(device()).toArray(), "negative step");
        assertArrayEquals(new float[6], Tensor.zeros(2, 3).to(device()).toArray(), "zeros");
        assertArrayEquals(new float[] {1, 1, 1, 1}, Tensor.ones(2, 2).to(device()).toArray(), "ones");
        assertArrayEquals(new float[] {-2.5f, -2.5f, -2.5f}, Tensor.full(-2.5f, 3).to(device()).toArray(), "full");
        Tensor scalar = Tensor.scalar(4.25f).to(device());
        assertEquals(0, scalar.rank());
        assertEquals(4.25f, scalar.item());
        assertEquals(device(), on(new float[4], 2, 2).zerosLike().device(), "zerosLike stays on the device");
    }

    // ===== backend memory operations =======================================================================

    @Test
    void memoryOperationsRoundTrip() {
        Backend backend = Backends.get(device());
        Storage zero = backend.allocate(1000);
        assertArrayEquals(new float[1000], Tensor.fromStorage(zero, 1000).toArray(), "allocate must zero-fill");
        float[] v = uniformValues(31, 24, -5, 5);
        Tensor t = on(v, 2, 3, 4);
        assertEquals(device(), t.device());
        assertArrayEquals(v, t.toArray(), "upload/download");
        assertEquals(v[1 * 12 + 2 * 4 + 3], t.get(1, 2, 3), "download at an offset");
        float[] part = new float[5];
        backend.download(t.storage(), 7, part, 0, 5);
        assertArrayEquals(Arrays.copyOfRange(v, 7, 12), part, "download of a range");
        assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f}, on(v, 24).slice(0, 0, 3).fullLike(2.5f).toArray(), "fill");
        Tensor copy = t.copy();
        assertArrayEquals(v, copy.toArray(), "copy");
        Tensor target = on(new float[24], 2, 3, 4);
        target.assign(t);
        assertArrayEquals(v, target.toArray(), "assign");
        assertArrayEquals(v, t.toArray(), "the source of a copy stays unchanged");
    }

    @Test
    void copyRegionCopiesAndAccumulatesBoxes() {
        Backend backend = Backends.get(device());
        int[] srcShape = s(3, 4, 5);
        int[] dstShape = s(2, 6, 4);
        float[] src = uniformValues(32, 60, -1, 1);
        float[] dst = uniformValues(33, 48, -1, 1);
        int[] srcStart = s(1, 1, 2), dstStart = s(0, 3, 1), region = s(2, 3, 3);
        for (boolean accumulate : new boolean[] {false, true}) {
            Tensor d = on(dst, dstShape);
            backend.copyRegion(on(src, srcShape).storage(), srcShape, srcStart, d.storage(), dstShape, dstStart, region,
                    accumulate);
            double[] expected = widen(dst);
            for (int i = 0; i < NdIndex.numel(region); i++) {
                int[] idx = NdIndex.unravel(i, region);
                int[] si = new int[3], di = new int[3];
                for (int a = 0; a < 3; a++) {
                    si[a] = srcStart[a] + idx[a];
                    di[a] = dstStart[a] + idx[a];
                }
                int o = NdIndex.offset(di, dstShape);
                expected[o] = (accumulate ? dst[o] : 0) + src[NdIndex.offset(si, srcShape)];
            }
            float[] got = d.toArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals((float) expected[i], got[i], 0f, (accumulate ? "accumulate" : "copy") + " at " + i);
            }
        }
    }

    // ===== subgradient conventions and edge cases (exact, documented values) ===============================

    private float[] gradient(Function<Tensor, Tensor> f, float[] x, int... shape) {
        Tensor t = on(x, shape).requiresGrad(true);
        Tensor y = f.apply(t);
        y.backward(Tensor.full(1f, y.shape()).to(device()));
        return t.grad().toArray();
    }

    @Test
    void kinksFollowTheDocumentedSubgradients() {
        float[] x = {-1f, 0f, 2f};
        assertArrayEquals(new float[] {0, 0, 1}, gradient(Tensor::relu, x, 3), "relu'(0) = 0");
        assertArrayEquals(new float[] {-1, 0, 1}, gradient(Tensor::abs, x, 3), "abs'(0) = 0");
        assertArrayEquals(new float[] {0.1f, 0.1f, 1}, gradient(t -> t.leakyRelu(0.1f), x, 3),
                "leaky relu'(0) = slope");
        assertArrayEquals(new float[] {1, 1, 1, 0}, gradient(t -> t.clamp(-1f, 2f), new float[] {-1f, 0f, 2f, 3f}, 4),
                "clamp passes the gradient at its bounds");
        assertArrayEquals(new float[] {0, 0.5f, 0.5f, 0, 0, 1},
                gradient(t -> Reductions.max(t, s(1), false), new float[] {1, 3, 3, 2, 0, 5}, 2, 3),
                "max shares the gradient equally among ties");
        assertArrayEquals(new float[] {0, 1f / 3, 1f / 3, 1f / 3},
                gradient(Tensor::max, new float[] {-1, 4, 4, 4}, 4), 1e-7f, "max() of everything, three-way tie");
        // max pooling: the first maximum (row-major) of each window takes the whole gradient
        assertArrayEquals(new float[] {1, 0, 0, 0},
                gradient(t -> Pooling.maxPool2d(t, 2, 2, 0), new float[] {7, 7, 7, 7}, 1, 1, 2, 2),
                "max pool ties go to the first maximum");
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 0, 0, 0, 0},
                gradient(t -> Pooling.maxPool2d(t, 3, 1, 0), new float[] {5, 1, 5, 1, 1, 1, 5, 1, 5}, 1, 1, 3, 3),
                "max pool ties go to the first maximum");
    }

    @Test
    void maxPoolPaddingNeverWins() {
        float[] x = {-5, -4, -3, -2};
        Tensor y = Pooling.maxPool2d(on(x, 1, 1, 2, 2), 2, 1, 1);
        assertArrayEquals(new float[] {-5, -4, -4, -3, -2, -2, -3, -2, -2}, y.toArray(), "padded cells are −∞");
    }

    @Test
    void binaryCrossEntropyClampsSaturatedProbabilities() {
        Tensor p = on(new float[] {0f, 1f, 0f, 1f}, 4).requiresGrad(true);
        Tensor target = on(new float[] {1f, 0f, 0f, 1f}, 4);
        Tensor loss = Losses.binaryCrossEntropy(p, target);
        double expected = (-Math.log(ReferenceLoss.BCE_LOW) - Math.log(1 - ReferenceLoss.BCE_HIGH)
                - Math.log(1 - ReferenceLoss.BCE_LOW) - Math.log(ReferenceLoss.BCE_HIGH)) / 4;
        assertEquals(expected, loss.item(), 1e-5 * expected, "saturated predictions give a large finite loss");
        loss.backward();
        assertArrayEquals(new float[4], p.grad().toArray(), "no gradient outside the clamp");
    }

    @Test
    void gradientsAccumulateAcrossBackwardPasses() {
        Tensor x = on(new float[] {1f, -2f, 3f}, 3).requiresGrad(true);
        x.mul(x).sum().backward();
        x.mul(3f).sum().backward();
        assertEquals(device(), x.grad().device());
        assertArrayEquals(new float[] {5f, -1f, 9f}, x.grad().toArray(), 1e-6f, "2x + 3");
    }

    @Test
    void scalarBackwardSeedsWithOne() {
        Tensor x = on(new float[] {0.5f, 1.5f}, 2).requiresGrad(true);
        Tensor loss = x.exp().sum();
        loss.backward();
        assertArrayEquals(new float[] {(float) Math.exp(0.5), (float) Math.exp(1.5)}, x.grad().toArray(), 1e-6f);
    }

    // ===== error messages ==================================================================================

    @Test
    void convolutionChannelMismatchNamesOpAndShapes() {
        Tensor x = on(new float[3 * 25], 1, 3, 5, 5);
        Tensor w = on(new float[4 * 2 * 9], 4, 2, 3, 3);
        assertMessage(() -> Convolution.conv2d(x, w, null, 1, 0), "conv2d", "[1, 3, 5, 5]", "[4, 2, 3, 3]");
        Tensor wt = on(new float[2 * 4 * 9], 2, 4, 3, 3);
        assertMessage(() -> Convolution.convTranspose2d(x, wt, null, 1, 0, 0), "conv_transpose2d", "[1, 3, 5, 5]",
                "[2, 4, 3, 3]");
        Tensor bias = on(new float[3], 3);
        assertMessage(() -> Convolution.conv2d(x, on(new float[4 * 3 * 9], 4, 3, 3, 3), bias, 1, 0), "conv2d", "bias",
                "[3]", "[4]");
    }

    @Test
    void transposedConvolutionRejectsOutputPaddingNotBelowTheStride() {
        Tensor x = on(new float[2 * 9], 1, 2, 3, 3);
        Tensor w = on(new float[2 * 9], 2, 1, 3, 3);
        // stride 1, dilation 2, output padding 1: accepted by PyTorch, not representable here; a clear error,
        // not an internal one
        assertMessage(() -> Convolution.convTranspose2d(x, w, null, s(1, 1), s(0, 0), s(1, 1), s(2, 2), 1),
                "conv_transpose2d", "output padding (1, 1)", "stride (1, 1)");
        assertMessage(() -> Convolution.convTranspose2d(x, w, null, 2, 1, 2), "conv_transpose2d", "output padding");
    }

    @Test
    void matmulInnerSizeMismatchNamesShapes() {
        Tensor a = on(new float[6], 2, 3);
        Tensor b = on(new float[20], 4, 5);
        assertMessage(() -> a.matmul(b), "matmul", "[2, 3]", "[4, 5]", "3 vs 4");
        assertMessage(() -> on(new float[24], 2, 3, 4).matmul(on(new float[60], 3, 4, 5)), "matmul", "[2]", "[3]");
    }

    @Test
    void broadcastClashNamesOpShapesAndDim() {
        Tensor a = on(new float[6], 2, 3);
        Tensor b = on(new float[4], 4);
        assertMessage(() -> a.add(b), "add", "[2, 3]", "[4]", "dim -1");
        assertMessage(() -> a.mul(on(new float[6], 3, 2)), "mul", "[2, 3]", "[3, 2]");
    }

    @Test
    void crossEntropyTargetShapeAndRangeAreChecked() {
        Tensor logits = on(new float[2 * 4 * 9], 2, 4, 3, 3);
        assertMessage(() -> Losses.crossEntropy(logits, on(new float[24], 2, 3, 4)), "cross_entropy", "[2, 3, 4]",
                "[2, 4, 3, 3]", "[2, 3, 3]");
        float[] target = new float[18];
        target[5] = 4f; // classes are 0 … 3
        assertMessage(() -> Losses.crossEntropy(logits, on(target, 2, 3, 3)), "cross_entropy", "4", "[0, 4)");
        assertMessage(() -> Losses.nllLoss(logits, on(new float[2], 2)), "nll_loss", "[2]", "[2, 3, 3]");
    }

    @Test
    void cropOutOfBoundsNamesBoxAndShape() {
        Tensor x = on(new float[10], 2, 5);
        assertMessage(() -> Shaping.crop(x, s(0, 3), s(2, 4)), "crop", "[0, 3]", "[2, 4]", "[2, 5]");
        assertMessage(() -> x.slice(1, 2, 7), "slice", "[2, 7)", "[2, 5]");
    }

    @Test
    void opsRejectTensorsOnDifferentDevices() {
        assumeFalse(device().isCpu(), "needs a second device");
        Tensor a = on(new float[3], 3);
        Tensor b = Tensor.of(new float[3], 3);
        assertMessage(() -> a.add(b), "add", "different devices");
        assertNotNull(a.add(b.to(device())));
    }
}
