package dev.nucleon.core.cpu.conv;

import dev.nucleon.core.cpu.gemm.InnerProductKernel;
import dev.nucleon.core.cpu.gemm.ScalarInnerProductKernel;
import dev.nucleon.core.cpu.gemm.ScalarSgemmKernel;
import dev.nucleon.core.cpu.gemm.SgemmKernel;

import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.reference.ReferenceConv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link ConvKernels} against direct double-precision loops over many geometries (stride, padding,
 * dilation, groups, non-square kernels, batch, odd sizes), plus the adjoint identity
 * {@code ⟨conv(x, w), gy⟩ = ⟨x, backwardData(gy, w)⟩ = ⟨w, backwardWeight(x, gy)⟩}.
 *
 * <p>Tolerance, stated once: every entry within {@link #TOLERANCE} × the output scale, the output scale
 * being the largest |reference entry| (at least 1); the three inner products of the adjoint identity
 * agree within {@link #TOLERANCE} × Σ|y·gy|. Inputs are uniform in [−1, 1].
 */
class ConvKernelsTest {

    static final double TOLERANCE = 1e-4;

    /** Hand-picked geometries: each names the case it covers. */
    static List<ConvGeometry> namedGeometries() {
        return List.of(
                ConvGeometry.of(2, 3, 9, 11, 5, 3, 1, 1, 1, 1),            // 3×3 pad 1, "same"
                ConvGeometry.of(1, 4, 7, 7, 6, 1, 1, 0, 1, 1),             // 1×1 stride 1: pointwise path
                ConvGeometry.of(2, 4, 7, 8, 6, 1, 2, 0, 1, 2),             // 1×1 stride 2: im2col path, groups
                ConvGeometry.of(2, 3, 6, 5, 4, 1, 1, 1, 1, 1),             // stride 1, pad > d·(k−1): GEMM + col2im
                ConvGeometry.of(1, 4, 9, 9, 6, 3, 1, 2, 2, 2),             // stride 1, pad ≤ d·(k−1): "full conv" path
                ConvGeometry.of(1, 2, 8, 8, 3, 2, 2, 0, 1, 1),             // 2×2 stride 2 (downsampling)
                new ConvGeometry(3, 4, 10, 7, 4, 3, 2, 2, 1, 2, 0, 1, 2, 4), // non-square everything, depthwise
                ConvGeometry.of(1, 1, 5, 5, 1, 5, 1, 2, 1, 1),             // kernel as large as the image
                ConvGeometry.of(1, 1, 1, 1, 1, 1, 1, 0, 1, 1),             // 1 pixel
                ConvGeometry.of(1, 2, 3, 3, 2, 3, 2, 2, 2, 1),             // padding larger than the image reach
                ConvGeometry.of(1, 64, 12, 12, 8, 3, 1, 1, 1, 1),          // K = 576 > KC: two k blocks of im2col
                ConvGeometry.of(1, 7, 70, 66, 6, 3, 1, 1, 1, 1),           // 4620 positions: several weight tiles; K = 63: two row blocks
                ConvGeometry.of(1, 5, 40, 45, 7, 3, 1, 1, 1, 1),           // 1800 positions: several tiles
                ConvGeometry.of(2, 6, 33, 70, 4, 3, 2, 1, 2, 2),           // tiles with stride and dilation
                ConvGeometry.of(1, 128, 8, 8, 160, 3, 1, 1, 1, 1),         // one work item: the GEMM inside splits
                // backward weight from a padded band (stride 1, W_out ≥ 32, ≥ 16 im2col rows):
                ConvGeometry.of(2, 6, 37, 40, 8, 3, 1, 2, 2, 2),           // dilation 2, pad 2, groups, ragged blocks
                new ConvGeometry(1, 5, 70, 33, 7, 3, 2, 1, 1, 0, 1, 1, 1, 1), // 3×2 kernel, no row padding, several bands
                // backward data by sub-pixel phases (stride > 1, no dilation; checked on that path at any width):
                ConvGeometry.of(1, 8, 32, 32, 16, 3, 2, 1, 1, 1),          // the U-Net up-sampling, transposed (k 3, s 2, p 1)
                ConvGeometry.of(2, 6, 17, 13, 4, 2, 2, 0, 1, 2),           // k = s: one tap per phase; odd sizes, groups
                ConvGeometry.of(1, 3, 14, 16, 5, 5, 3, 2, 1, 1),           // stride 3, 5×5: phases of 2 and 1 taps
                ConvGeometry.of(1, 4, 11, 10, 3, 1, 3, 0, 1, 1),           // 1×1 stride 3: phases with no tap at all
                new ConvGeometry(2, 5, 12, 9, 6, 4, 2, 3, 2, 3, 0, 1, 1, 1), // stride 3 × 2, 4×2 kernel, pad 3 > k−1 (crops)
                ConvGeometry.of(1, 70, 9, 40, 33, 3, 2, 1, 1, 1),          // partial channel blocks in the phases
                ConvGeometry.of(1, 4, 128, 130, 6, 3, 2, 1, 1, 1));        // gy 64 × 65: wide enough for the shape rule
    }

    /** Random geometries: stride 1/2, pad 0/1/2, dilation 1/2, groups 1/2/4, kernels 1–3 per side. */
    static List<ConvGeometry> randomGeometries() {
        Random random = new Random(2024);
        List<ConvGeometry> out = new ArrayList<>();
        while (out.size() < 60) {
            int groups = new int[] {1, 2, 4}[random.nextInt(3)];
            int kh = 1 + random.nextInt(3), kw = 1 + random.nextInt(3);
            int sh = 1 + random.nextInt(2), sw = 1 + random.nextInt(2);
            int ph = random.nextInt(3), pw = random.nextInt(3);
            int dh = 1 + random.nextInt(2), dw = 1 + random.nextInt(2);
            int h = 1 + random.nextInt(13), w = 1 + random.nextInt(13);
            if (h + 2 * ph < dh * (kh - 1) + 1 || w + 2 * pw < dw * (kw - 1) + 1) {
                continue; // no output
            }
            out.add(new ConvGeometry(1 + random.nextInt(3), groups * (1 + random.nextInt(3)), h, w,
                    groups * (1 + random.nextInt(3)), kh, kw, sh, sw, ph, pw, dh, dw, groups));
        }
        return out;
    }

    static List<ConvGeometry> allGeometries() {
        List<ConvGeometry> all = new ArrayList<>(namedGeometries());
        all.addAll(randomGeometries());
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allGeometries")
    void allPassesMatchDirectLoopsAndAreAdjoint(ConvGeometry g) {
        checkAgainstReference(SgemmKernel.preferred(), InnerProductKernel.preferred(), g, new Random(g.hashCode()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namedGeometries")
    void scalarKernelsGiveTheSameConvolutions(ConvGeometry g) {
        checkAgainstReference(ScalarSgemmKernel.INSTANCE, ScalarInnerProductKernel.INSTANCE, g, new Random(g.hashCode() + 1));
    }

    /**
     * The band path of backward weight multiplies its padding columns by zero; with an infinity in the input those
     * products are NaN, which must not reach a weight whose true gradient is finite: every entry equals the direct
     * loop's (same infinity, same NaN, or within tolerance), with infinities on the image's first and last columns.
     */
    @Test
    void backwardWeightWithInfiniteInputsMatchesTheDirectLoop() {
        ConvGeometry g = ConvGeometry.of(2, 3, 12, 40, 4, 3, 1, 1, 1, 1);
        Random random = new Random(17);
        float[] x = new float[2 * 3 * 12 * 40];
        float[] gy = new float[2 * 4 * 12 * 40];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() * 2 - 1;
        }
        for (int i = 0; i < gy.length; i++) {
            gy[i] = random.nextFloat() * 2 - 1;
        }
        x[(0 * 3 + 1) * 480 + 5 * 40 + 39] = Float.POSITIVE_INFINITY; // image 0, channel 1, last column
        x[(1 * 3 + 2) * 480 + 7 * 40] = Float.NEGATIVE_INFINITY;      // image 1, channel 2, first column
        float[] gw = new float[4 * 3 * 9];
        ConvKernels.backwardWeight(g, x, gy, gw);
        for (int co = 0; co < 4; co++) {
            for (int ci = 0; ci < 3; ci++) {
                for (int kh = 0; kh < 3; kh++) {
                    for (int kw = 0; kw < 3; kw++) {
                        double expected = 0;
                        for (int n = 0; n < 2; n++) {
                            for (int oh = 0; oh < 12; oh++) {
                                for (int ow = 0; ow < 40; ow++) {
                                    int ih = oh + kh - 1;
                                    int iw = ow + kw - 1;
                                    if (ih >= 0 && ih < 12 && iw >= 0 && iw < 40) {
                                        expected += (double) gy[((n * 4 + co) * 12 + oh) * 40 + ow]
                                                * x[((n * 3 + ci) * 12 + ih) * 40 + iw];
                                    }
                                }
                            }
                        }
                        float got = gw[((co * 3 + ci) * 3 + kh) * 3 + kw];
                        String at = "gw[" + co + "," + ci + "," + kh + "," + kw + "]";
                        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
                            assertEquals((float) expected, got, at);
                        } else {
                            assertEquals(expected, got, TOLERANCE * 100, at);
                        }
                    }
                }
            }
        }
    }

    @Test
    void outputsAreOverwrittenNotAccumulated() {
        ConvGeometry g = ConvGeometry.of(2, 4, 9, 9, 4, 3, 1, 1, 1, 2);
        Random random = new Random(3);
        float[] x = random(random, g.inputShape()), w = random(random, g.weightShape()), gy = random(random, g.outputShape());
        Reference ref = Reference.of(g, x, w, null, gy);
        float[] y = filled(g.outputShape(), Float.NaN);
        float[] gx = filled(g.inputShape(), Float.NaN);
        float[] gw = filled(g.weightShape(), Float.NaN);
        for (int repeat = 0; repeat < 2; repeat++) { // second call into the already-used outputs
            ConvKernels.forward(g, x, w, null, y);
            ConvKernels.backwardData(g, gy, w, gx);
            ConvKernels.backwardWeight(g, x, gy, gw);
            assertClose(ref.y, y, "forward");
            assertClose(ref.gx, gx, "backward data");
            assertClose(ref.gw, gw, "backward weight");
        }
    }

    @Test
    void workspaceDoesNotGrowWithTheImage() {
        // 1024×1024 with 8 channels, 3×3: the im2col matrix alone would be 8·9·1024² floats = 288 MiB
        ConvGeometry g = ConvGeometry.of(1, 8, 1024, 1024, 8, 3, 1, 1, 1, 1);
        float[] x = new float[8 << 20], w = new float[8 * 8 * 9], y = new float[8 << 20], gx = new float[8 << 20];
        float[] gw = new float[w.length];
        Arrays.fill(x, 1f);
        Arrays.fill(w, 1f);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        // scalar kernels: until C2 compiles them, Vector API kernels allocate a box per vector operation,
        // which would swamp the measurement; the tiling and workspace code is the same for every kernel
        SgemmKernel gemm = ScalarSgemmKernel.INSTANCE;
        InnerProductKernel inner = ScalarInnerProductKernel.INSTANCE;
        ConvGeometry warm = ConvGeometry.of(1, 8, 64, 64, 8, 3, 1, 1, 1, 1); // let threads and buffers start
        ConvKernels.forward(gemm, warm, x, w, null, y);
        long before = allocatedByAllThreads(threads);
        ConvKernels.forward(gemm, g, x, w, null, y);
        ConvKernels.backwardData(gemm, g, y, w, gx);
        ConvKernels.backwardWeight(inner, g, x, y, gw);
        // col2im, bounded buffer (the sub-pixel path that backwardData picks here allocates its phases, as large as gx)
        ConvGeometry strided = ConvGeometry.of(1, 8, 1024, 1024, 8, 3, 2, 1, 1, 1);
        ConvKernels.backwardDataGemm(gemm, strided, y, w, gx);
        long allocated = allocatedByAllThreads(threads) - before;
        assertTrue(allocated < 32L << 20, "allocated " + (allocated >> 20) + " MiB for " + g); // a few MiB per thread
        assertEquals(72f, y[1024 + 1], "interior output of all-ones input and weights");
    }

    private static long allocatedByAllThreads(com.sun.management.ThreadMXBean threads) {
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, bytes);
        }
        return total;
    }

    @Test
    void rejectsWronglySizedArraysNamingTheOperandAndShape() {
        ConvGeometry g = ConvGeometry.of(1, 3, 8, 8, 4, 3, 1, 1, 1, 1);
        float[] x = new float[3 * 64], w = new float[4 * 3 * 9], y = new float[4 * 64];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvKernels.forward(g, new float[10], w, null, y));
        assertEquals("conv2d forward: x has 10 floats, expected shape [1, 3, 8, 8] = 192", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvKernels.forward(g, x, w, new float[3], y));
        assertTrue(e.getMessage().startsWith("conv2d forward: bias has 3 floats"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvKernels.backwardData(g, y, new float[5], x));
        assertTrue(e.getMessage().startsWith("conv2d backward data: w has 5 floats, expected shape [4, 3, 3, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvKernels.backwardWeight(g, x, y, null));
        assertTrue(e.getMessage().startsWith("conv2d backward weight: gw is null"), e.getMessage());
    }

    private static void checkAgainstReference(SgemmKernel kernel, InnerProductKernel innerKernel, ConvGeometry g,
                                              Random random) {
        float[] x = random(random, g.inputShape());
        float[] w = random(random, g.weightShape());
        float[] bias = random(random, new int[] {g.outChannels()});
        float[] gy = random(random, g.outputShape());
        Reference ref = Reference.of(g, x, w, bias, gy);

        float[] y = filled(g.outputShape(), Float.NaN);
        ConvKernels.forward(kernel, g, x, w, bias, y);
        assertClose(ref.y, y, kernel + " forward " + g);
        float[] yNoBias = new float[y.length];
        ConvKernels.forward(kernel, g, x, w, null, yNoBias);
        float[] gx = filled(g.inputShape(), Float.NaN);
        ConvKernels.backwardData(kernel, g, gy, w, gx);
        assertClose(ref.gx, gx, kernel + " backward data " + g);
        float[] gxGemm = filled(g.inputShape(), Float.NaN);
        ConvKernels.backwardDataGemm(kernel, g, gy, w, gxGemm);
        assertClose(ref.gx, gxGemm, kernel + " backward data, GEMM + col2im " + g);

        // epilogues: relu(conv + bias), and the transposed convolution relu(backwardData + bias_in)
        float[] yRelu = filled(g.outputShape(), Float.NaN);
        ConvKernels.forward(kernel, g, x, w, bias, yRelu, Epilogue.RELU);
        assertClose(relu(ref.y, null, 1), yRelu, kernel + " forward + relu " + g);
        float[] biasIn = random(random, new int[] {g.inChannels()});
        float[] t = filled(g.inputShape(), Float.NaN);
        ConvKernels.transpose(kernel, g, gy, w, biasIn, t, Epilogue.RELU);
        double[] transposed = relu(ref.gx, biasIn, g.height() * g.width());
        assertClose(transposed, t, kernel + " transposed + bias + relu " + g);
        if (SubPixelTranspose.supports(g)) { // whatever width the shape rule would send there
            Arrays.fill(t, Float.NaN);
            SubPixelTranspose.compute(kernel, g, gy, w, biasIn, t, Epilogue.RELU);
            assertClose(transposed, t, kernel + " sub-pixel transposed + bias + relu " + g);
            Arrays.fill(t, Float.NaN);
            SubPixelTranspose.compute(kernel, g, gy, w, null, t, Epilogue.NONE);
            assertClose(ref.gx, t, kernel + " sub-pixel backward data " + g);
        }
        float[] gw = filled(g.weightShape(), Float.NaN);
        ConvKernels.backwardWeight(innerKernel, g, x, gy, gw);
        assertClose(ref.gw, gw, innerKernel + " backward weight " + g);

        // adjoint identity on the kernels' own outputs: ⟨conv(x,w), gy⟩ = ⟨x, gx⟩ = ⟨w, gw⟩
        double yGy = dot(yNoBias, gy), xGx = dot(x, gx), wGw = dot(w, gw);
        double scale = 0;
        for (int i = 0; i < gy.length; i++) {
            scale += Math.abs((double) yNoBias[i] * gy[i]);
        }
        double tolerance = TOLERANCE * Math.max(scale, 1);
        assertEquals(yGy, xGx, tolerance, "⟨conv(x,w), gy⟩ vs ⟨x, backwardData(gy,w)⟩ for " + g);
        assertEquals(yGy, wGw, tolerance, "⟨conv(x,w), gy⟩ vs ⟨w, backwardWeight(x,gy)⟩ for " + g);
    }

    /** The specification's loops ({@link ReferenceConv}): forward output and both gradients of ⟨y, gy⟩. */
    record Reference(double[] y, double[] gx, double[] gw) {

        static Reference of(ConvGeometry g, float[] x, float[] w, float[] bias, float[] gy) {
            int[] stride = {g.strideH(), g.strideW()};
            int[] pad = {g.padH(), g.padW()};
            int[] dilation = {g.dilationH(), g.dilationW()};
            double[] y = ReferenceConv.conv2d(widen(x), g.inputShape(), widen(w), g.weightShape(),
                    bias == null ? null : widen(bias), stride, pad, dilation, g.groups());
            double[][] grads = ReferenceConv.conv2dBackward(widen(x), g.inputShape(), widen(w), g.weightShape(), widen(gy),
                    stride, pad, dilation, g.groups());
            return new Reference(y, grads[0], grads[1]);
        }

        private static double[] widen(float[] v) {
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            return d;
        }
    }

    /** max(v + bias[channel], 0) per entry, channel = (index / planeSize) mod bias.length (no bias: null). */
    private static double[] relu(double[] v, float[] bias, int planeSize) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double b = bias == null ? 0 : bias[i / planeSize % bias.length];
            out[i] = Math.max(v[i] + b, 0);
        }
        return out;
    }

    static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double tolerance = TOLERANCE * scale;
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
                fail(what + ": element " + i + " = " + actual[i] + ", expected " + expected[i] + " (tolerance " + tolerance + ")");
            }
        }
    }

    private static float[] random(Random random, int[] shape) {
        float[] a = new float[size(shape)];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat() * 2 - 1;
        }
        return a;
    }

    private static float[] filled(int[] shape, float value) {
        float[] a = new float[size(shape)];
        Arrays.fill(a, value);
        return a;
    }

    private static int size(int[] shape) {
        int s = 1;
        for (int d : shape) {
            s *= d;
        }
        return s;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
