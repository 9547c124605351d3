package dev.nucleon.core.cpu.conv;

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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link DirectConv} with every micro-kernel (the Vector API ones when this JVM has them, and the plain-Java
 * fallback) against {@link ReferenceConv}'s double-precision loops: every stride-1 geometry of
 * {@link ConvKernelsTest}, plus geometries aimed at the direct path's edges: widths below, at and just past
 * the tile width (2 vectors) and the vector length, padding 0/1/2, kernels 1×1/3×3/5×5, dilation, groups,
 * C_in 1…40, C_out 1…70 (partial channel blocks), batch 1 and 3, bands and channel chunks.
 * Tolerance as in ConvKernelsTest: every entry within 1e-4 × max(1, largest |reference entry|).
 */
class DirectConvTest {

    static List<ConvGeometry> convKernelsTestGeometries() {
        return ConvKernelsTest.allGeometries().stream().filter(DirectConv::supports).toList();
    }

    /** Hand-picked edges, then random ones. */
    static List<ConvGeometry> edgeGeometries() {
        List<ConvGeometry> out = new ArrayList<>(List.of(
                ConvGeometry.of(1, 1, 256, 256, 16, 3, 1, 1, 1, 1),    // unet's first layer
                ConvGeometry.of(1, 16, 64, 64, 2, 3, 1, 1, 1, 1),      // C_out 2: one partial channel block
                ConvGeometry.of(1, 3, 5, 1, 4, 3, 1, 1, 1, 1),         // width 1
                ConvGeometry.of(1, 3, 1, 9, 4, 3, 1, 1, 1, 1),         // height 1
                ConvGeometry.of(3, 5, 9, 15, 70, 3, 1, 1, 1, 1),       // width < 16 lanes, C_out 70, batch 3
                ConvGeometry.of(1, 7, 12, 16, 9, 3, 1, 1, 1, 1),       // width = vector length
                ConvGeometry.of(1, 7, 12, 17, 9, 3, 1, 1, 1, 1),       // … plus one
                ConvGeometry.of(1, 7, 12, 32, 9, 3, 1, 1, 1, 1),       // width = tile width (AVX-512)
                ConvGeometry.of(1, 7, 12, 33, 9, 3, 1, 1, 1, 1),       // … plus one
                ConvGeometry.of(1, 40, 20, 47, 33, 5, 1, 2, 1, 1),     // 5×5, pad 2, C_in 40
                ConvGeometry.of(2, 6, 21, 19, 10, 5, 1, 0, 1, 1),      // 5×5, pad 0
                ConvGeometry.of(1, 6, 21, 19, 10, 5, 1, 1, 1, 1),      // 5×5, pad 1 (neither valid nor same)
                ConvGeometry.of(1, 8, 19, 23, 12, 1, 1, 1, 1, 1),      // 1×1 with padding (not pointwise)
                ConvGeometry.of(1, 8, 19, 23, 12, 1, 1, 2, 1, 1),      // 1×1, pad 2
                ConvGeometry.of(2, 4, 15, 18, 6, 3, 1, 2, 2, 2),       // dilation 2, groups 2
                ConvGeometry.of(1, 64, 8, 8, 70, 3, 1, 1, 1, 1),       // small image, many channels: channel chunks
                ConvGeometry.of(1, 24, 150, 70, 5, 3, 1, 1, 1, 1),     // many bands
                ConvGeometry.of(1, 300, 6, 250, 3, 3, 1, 1, 1, 1),     // a single row exceeds BAND_FLOATS
                new ConvGeometry(1, 6, 11, 13, 4, 2, 3, 1, 1, 0, 2, 1, 1, 1),  // non-square kernel and padding
                new ConvGeometry(3, 4, 9, 10, 8, 3, 1, 1, 1, 1, 0, 2, 1, 4))); // depthwise-ish, mixed dilation
        Random random = new Random(88);
        int[] kernels = {1, 3, 5};
        while (out.size() < 100) {
            int k = kernels[random.nextInt(3)];
            int pad = random.nextInt(3);
            int h = 1 + random.nextInt(40), w = 1 + random.nextInt(70);
            if (h + 2 * pad < k || w + 2 * pad < k) {
                continue;
            }
            int groups = random.nextInt(4) == 0 ? 2 : 1;
            int cin = groups * (1 + random.nextInt(40 / groups));
            int cout = groups * (1 + random.nextInt(70 / groups));
            int n = random.nextBoolean() ? 1 : 3;
            out.add(ConvGeometry.of(n, cin, h, w, cout, k, 1, pad, 1, groups));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convKernelsTestGeometries")
    void matchesTheReferenceOnConvKernelsTestGeometries(ConvGeometry g) {
        check(g, new Random(g.hashCode()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edgeGeometries")
    void matchesTheReferenceOnEdgeGeometries(ConvGeometry g) {
        check(g, new Random(g.hashCode()));
    }

    @Test
    void shapeRuleSendsStrideOneToTheDirectPathExceptPointwiseAndNarrowWide() {
        assertTrue(ConvKernels.usesDirect(ConvGeometry.of(1, 16, 256, 256, 16, 3, 1, 1, 1, 1)));
        assertTrue(ConvKernels.usesDirect(ConvGeometry.of(1, 32, 257, 257, 16, 2, 1, 0, 1, 1)));
        assertFalse(ConvKernels.usesDirect(ConvGeometry.of(1, 16, 256, 256, 16, 3, 2, 1, 1, 1)), "stride 2");
        assertFalse(ConvKernels.usesDirect(ConvGeometry.of(1, 16, 256, 256, 1, 1, 1, 0, 1, 1)), "pointwise");
        assertFalse(ConvKernels.usesDirect(ConvGeometry.of(1, 128, 16, 16, 256, 3, 1, 1, 1, 1)), "narrow, many channels");
        assertTrue(ConvKernels.usesDirect(ConvGeometry.of(1, 128, 16, 16, 64, 3, 1, 1, 1, 1)), "narrow, few channels");
    }

    private static void check(ConvGeometry g, Random random) {
        float[] x = random(random, g.inputShape());
        float[] w = random(random, g.weightShape());
        float[] bias = random(random, new int[] {g.outChannels()});
        double[] want = ReferenceConv.conv2d(toDouble(x), g.inputShape(), toDouble(w), g.weightShape(),
                toDouble(bias), new int[] {g.strideH(), g.strideW()}, new int[] {g.padH(), g.padW()},
                new int[] {g.dilationH(), g.dilationW()}, g.groups());
        double[] wantNoBias = ReferenceConv.conv2d(toDouble(x), g.inputShape(), toDouble(w), g.weightShape(),
                null, new int[] {g.strideH(), g.strideW()}, new int[] {g.padH(), g.padW()},
                new int[] {g.dilationH(), g.dilationW()}, g.groups());
        for (DirectConvKernel kernel : DirectConvKernel.available()) {
            float[] y = new float[want.length];
            Arrays.fill(y, Float.NaN); // outputs are overwritten, never read
            DirectConv.forward(kernel, g, x, w, bias, y, Epilogue.NONE);
            assertClose(want, y, kernel + " " + g);
            Arrays.fill(y, Float.NaN);
            DirectConv.forward(kernel, g, x, w, null, y, Epilogue.RELU);
            assertClose(relu(wantNoBias), y, kernel + " without bias, relu epilogue " + g);
        }
    }

    /**
     * Windows that no {@link ConvGeometry} describes: padding before different from after, negative (a crop),
     * or past the kernel, and output sizes that leave the image partly unread or read beyond it.
     */
    static List<DirectConv.Window> windows() {
        List<DirectConv.Window> out = new ArrayList<>(List.of(
                new DirectConv.Window(1, 8, 16, 16, 16, 2, 2, 0, 0, 16, 16, 1, 1, 1),   // 2×2, padded after only
                new DirectConv.Window(2, 5, 9, 13, 7, 2, 1, 0, 1, 9, 14, 1, 1, 1),      // left pad 1, wider output
                new DirectConv.Window(1, 4, 12, 11, 9, 1, 2, -1, -2, 10, 8, 1, 1, 1),   // crops before
                new DirectConv.Window(1, 3, 7, 7, 4, 3, 3, 4, 5, 6, 6, 1, 1, 1),        // pads past the kernel
                new DirectConv.Window(1, 6, 10, 40, 20, 3, 2, 1, 0, 12, 41, 2, 1, 2))); // dilation, groups
        Random random = new Random(7);
        while (out.size() < 40) {
            int kh = 1 + random.nextInt(3), kw = 1 + random.nextInt(3);
            int groups = random.nextInt(3) == 0 ? 2 : 1;
            out.add(new DirectConv.Window(1 + random.nextInt(2), groups * (1 + random.nextInt(6)), 1 + random.nextInt(20),
                    1 + random.nextInt(40), groups * (1 + random.nextInt(12)), kh, kw, random.nextInt(5) - 2,
                    random.nextInt(5) - 2, 1 + random.nextInt(20), 1 + random.nextInt(40), 1, 1, groups));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void windowsWithAnyPaddingMatchDirectLoops(DirectConv.Window g) {
        Random random = new Random(g.hashCode());
        int cinG = g.inChannels() / g.groups();
        int coutG = g.outChannels() / g.groups();
        float[] x = random(random, new int[] {g.n(), g.inChannels(), g.height(), g.width()});
        float[] w = random(random, new int[] {g.outChannels(), cinG, g.kernelH(), g.kernelW()});
        float[] bias = random(random, new int[] {g.outChannels()});
        double[] want = new double[g.n() * g.outChannels() * g.outHeight() * g.outWidth()];
        for (int n = 0, i = 0; n < g.n(); n++) {
            for (int co = 0; co < g.outChannels(); co++) {
                for (int oh = 0; oh < g.outHeight(); oh++) {
                    for (int ow = 0; ow < g.outWidth(); ow++, i++) {
                        double sum = bias[co];
                        for (int ci = 0; ci < cinG; ci++) {
                            for (int a = 0; a < g.kernelH(); a++) {
                                for (int b = 0; b < g.kernelW(); b++) {
                                    int ih = oh - g.padTop() + a * g.dilationH();
                                    int iw = ow - g.padLeft() + b * g.dilationW();
                                    if (ih >= 0 && ih < g.height() && iw >= 0 && iw < g.width()) {
                                        int c = co / coutG * cinG + ci;
                                        sum += (double) w[((co * cinG + ci) * g.kernelH() + a) * g.kernelW() + b]
                                                * x[((n * g.inChannels() + c) * g.height() + ih) * g.width() + iw];
                                    }
                                }
                            }
                        }
                        want[i] = sum;
                    }
                }
            }
        }
        for (DirectConvKernel kernel : DirectConvKernel.available()) {
            float[] y = new float[want.length];
            Arrays.fill(y, Float.NaN);
            DirectConv.forward(kernel, g, x, w, bias, y, Epilogue.NONE);
            assertClose(want, y, kernel + " " + g);
        }
    }

    private static double[] relu(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.max(v[i], 0);
        }
        return out;
    }

    private static void assertClose(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        double scale = 1;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(want[i] - got[i]) <= 1e-4 * scale)) {
                fail(what + ": entry " + i + " is " + got[i] + ", expected " + want[i]);
            }
        }
    }

    private static float[] random(Random random, int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextFloat() * 2 - 1;
        }
        return a;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
