package dev.nucleon.cuda;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.Device;
import dev.nucleon.core.backend.Storage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The compute families (matmul, conv2d and its backward passes, batch norm) on {@code cuda:0} against the
 * CPU backend, on random inputs in [−1, 1) over many shapes: tile edges (1, 31–33, 127–130), odd sizes,
 * transposes, broadcast and unaligned batch strides, U-Net-like convolutions, groups, depthwise, stride 2,
 * dilation 2, 1×1, rectangular kernels, batch 1 and 3, split-K depths.
 *
 * <p>One tolerance for every comparison: {@code |cuda − cpu| ≤ 1e-4 · max(1, |cpu|) · max(1, √K / 8)},
 * K the length of the sum behind the value (k of a matmul, C/G·kH·kW or its backward counterparts of a
 * convolution, n·spatial of a batch-norm channel). Both sides accumulate in float in different orders;
 * their rounding differences grow like √K.
 *
 * <p>Every GPU output starts as NaN, so an element a kernel fails to write fails the comparison.
 */
@RequiresCuda
class CudaVsCpuComputeTest {

    private static final double TOLERANCE = 1e-4;

    private final Backend cpu = Backends.cpu();
    private final Backend gpu = Backends.get(new Device("cuda", 0));
    private final Random random = new Random(20240611);

    static void assertClose(String what, float[] cpu, float[] cuda, long k) {
        double scale = Math.max(1, Math.sqrt(k) / 8);
        for (int i = 0; i < cpu.length; i++) {
            double tolerance = TOLERANCE * Math.max(1, Math.abs(cpu[i])) * scale;
            if (!(Math.abs(cuda[i] - cpu[i]) <= tolerance)) {
                fail(what + ": element " + i + " of " + cpu.length + ": cuda " + cuda[i] + ", cpu " + cpu[i]
                        + " (tolerance " + tolerance + ", K = " + k + ")");
            }
        }
    }

    private float[] random(long n) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** The same data on both backends, and a fresh output of {@code size} on each (the GPU's NaN-filled). */
    private final class Pair {
        final Storage onCpu;
        final Storage onGpu;

        Pair(float[] data) {
            onCpu = cpu.upload(data, 0, data.length);
            onGpu = gpu.upload(data, 0, data.length);
        }

        Pair(long size) {
            onCpu = cpu.allocate(size);
            onGpu = gpu.allocate(size);
            gpu.fill(onGpu, Float.NaN);
        }

        void assertClose(String what, long k) {
            int n = Math.toIntExact(onCpu.size());
            float[] expected = new float[n];
            float[] actual = new float[n];
            cpu.download(onCpu, 0, expected, 0, n);
            gpu.download(onGpu, 0, actual, 0, n);
            CudaVsCpuComputeTest.assertClose(what, expected, actual, k);
        }
    }

    /** p's storage on backend b (cpu or gpu). */
    private Storage on(Backend b, Pair p) {
        return b == cpu ? p.onCpu : p.onGpu;
    }

    // ----- matmul -------------------------------------------------------------------------------------

    /** batch, m, n, k, transA, transB, aBatchStride, bBatchStride (−1: the dense stride, 0: broadcast, else as given). */
    static Stream<Arguments> matmuls() {
        List<Arguments> cases = new ArrayList<>();
        int[][] sizes = {{1, 1, 1}, {1, 7, 1}, {7, 1, 5}, {1, 1, 300}, {31, 33, 32}, {127, 129, 130}, {128, 128, 8},
                {64, 576, 40}, {5, 6, 0}, {300, 20, 1000}, {257, 513, 65}};
        for (int[] s : sizes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    cases.add(Arguments.of(1, s[0], s[1], s[2], ta, tb, -1L, -1L));
                }
            }
        }
        cases.add(Arguments.of(3, 33, 17, 9, false, false, -1L, 0L));     // B broadcast
        cases.add(Arguments.of(3, 33, 17, 9, true, true, 0L, -1L));       // A broadcast
        cases.add(Arguments.of(4, 8, 8, 8, false, true, 0L, 0L));        // both broadcast
        cases.add(Arguments.of(2, 7, 5, 3, false, false, 23L, 17L));     // strides not multiples of 4: scalar loads
        cases.add(Arguments.of(300, 16, 16, 16, false, false, -1L, -1L)); // many small matrices
        cases.add(Arguments.of(3, 200, 300, 64, true, false, -1L, -1L));
        return cases.stream();
    }

    @ParameterizedTest(name = "batch={0} m={1} n={2} k={3} transA={4} transB={5} strides={6},{7}")
    @MethodSource("matmuls")
    void matmul(int batch, int m, int n, int k, boolean transA, boolean transB, long aStride, long bStride) {
        long aBatch = aStride < 0 ? (long) m * k : aStride;
        long bBatch = bStride < 0 ? (long) k * n : bStride;
        Pair a = new Pair(random(Math.max(aBatch * (batch - 1), 0) + (long) m * k));
        Pair b = new Pair(random(Math.max(bBatch * (batch - 1), 0) + (long) k * n));
        Pair c = new Pair((long) batch * m * n);
        for (Backend be : List.of(cpu, gpu)) {
            be.matmul(on(be, a), aBatch, transA, on(be, b), bBatch, transB, on(be, c), batch, m, n, k);
        }
        c.assertClose("matmul", k);
    }

    // ----- convolution -----------------------------------------------------------------------------------

    static Stream<ConvGeometry> convolutions() {
        return Stream.of(
                ConvGeometry.of(1, 3, 64, 64, 16, 3, 1, 1, 1, 1),        // U-Net first layer
                ConvGeometry.of(3, 16, 32, 32, 32, 3, 1, 1, 1, 1),
                ConvGeometry.of(2, 64, 8, 8, 128, 3, 1, 1, 1, 1),         // deep, small images
                ConvGeometry.of(1, 128, 4, 4, 64, 1, 1, 0, 1, 1),         // 1×1 head
                ConvGeometry.of(3, 8, 17, 13, 12, 3, 2, 1, 1, 1),         // stride 2, odd sizes
                ConvGeometry.of(2, 8, 15, 15, 8, 3, 1, 2, 2, 1),          // dilation 2
                ConvGeometry.of(2, 12, 9, 10, 18, 3, 1, 1, 1, 3),         // groups
                ConvGeometry.of(3, 16, 11, 11, 16, 3, 1, 1, 1, 16),       // depthwise
                ConvGeometry.of(1, 5, 7, 7, 7, 5, 3, 2, 1, 1),            // kernel 5, stride 3
                ConvGeometry.of(2, 4, 6, 6, 6, 2, 2, 0, 1, 2),            // stride = kernel (patchify), groups
                new ConvGeometry(3, 6, 10, 9, 4, 2, 3, 2, 1, 0, 1, 1, 2, 1), // rectangular, mixed stride/dilation
                ConvGeometry.of(1, 1, 1, 1, 1, 1, 1, 0, 1, 1),            // 1 × 1 × 1 × 1
                ConvGeometry.of(8, 4, 32, 32, 4, 3, 1, 1, 1, 1));         // long backward-weight reduction: split-K
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convolutions")
    void conv2dForwardAndBackward(ConvGeometry g) {
        Pair x = new Pair(random(product(g.inputShape())));
        Pair w = new Pair(random(product(g.weightShape())));
        Pair bias = new Pair(random(g.outChannels()));
        Pair gy = new Pair(random(product(g.outputShape())));
        Pair y = new Pair(product(g.outputShape()));
        Pair yNoBias = new Pair(product(g.outputShape()));
        Pair gx = new Pair(product(g.inputShape()));
        Pair gw = new Pair(product(g.weightShape()));
        for (Backend be : List.of(cpu, gpu)) {
            be.conv2d(g, on(be, x), on(be, w), on(be, bias), on(be, y));
            be.conv2d(g, on(be, x), on(be, w), null, on(be, yNoBias));
            be.conv2dBackwardData(g, on(be, gy), on(be, w), on(be, gx));
            be.conv2dBackwardWeight(g, on(be, x), on(be, gy), on(be, gw));
        }
        int inPerGroup = g.inChannels() / g.groups();
        int outPerGroup = g.outChannels() / g.groups();
        int taps = g.kernelH() * g.kernelW();
        y.assertClose("conv2d forward with bias", (long) inPerGroup * taps);
        yNoBias.assertClose("conv2d forward without bias", (long) inPerGroup * taps);
        gx.assertClose("conv2d backward data", (long) outPerGroup * taps);
        gw.assertClose("conv2d backward weight", (long) g.n() * g.outHeight() * g.outWidth());
    }

    // ----- batch norm --------------------------------------------------------------------------------------

    /** n, c, spatial. */
    static Stream<Arguments> batchNorms() {
        return Stream.of(Arguments.of(2, 16, 32 * 32), Arguments.of(3, 5, 7 * 9), Arguments.of(1, 3, 1000),
                Arguments.of(64, 4, 1), Arguments.of(3, 2, 600 * 7), Arguments.of(2, 70, 4 * 4));
    }

    @ParameterizedTest(name = "n={0} c={1} spatial={2}")
    @MethodSource("batchNorms")
    void batchNorm(int n, int c, int spatial) {
        long size = (long) n * c * spatial;
        long m = (long) n * spatial;
        float[] xs = random(size);
        for (int i = 0; i < xs.length; i++) {
            xs[i] = xs[i] * 3 + 0.5f; // a mean and variance away from 0 and 1
        }
        Pair x = new Pair(xs);
        Pair mean = new Pair(c);
        Pair variance = new Pair(c);
        for (Backend be : List.of(cpu, gpu)) {
            be.batchNormStatistics(on(be, x), n, c, spatial, on(be, mean), on(be, variance));
        }
        mean.assertClose("batch norm mean", m);
        variance.assertClose("batch norm variance", m);

        // the rest from the CPU's statistics, so that both sides normalise with the same numbers
        float[] mu = new float[c];
        float[] var = new float[c];
        cpu.download(mean.onCpu, 0, mu, 0, c);
        cpu.download(variance.onCpu, 0, var, 0, c);
        float[] inv = new float[c];
        for (int i = 0; i < c; i++) {
            inv[i] = (float) (1 / Math.sqrt(var[i] + 1e-5));
        }
        Pair mu2 = new Pair(mu);
        Pair invStd = new Pair(inv);
        Pair gamma = new Pair(random(c));
        Pair beta = new Pair(random(c));
        Pair gy = new Pair(random(size));
        Pair y = new Pair(size);
        for (Backend be : List.of(cpu, gpu)) {
            be.batchNormForward(on(be, x), n, c, spatial, on(be, mu2), on(be, invStd), on(be, gamma), on(be, beta), on(be, y));
        }
        y.assertClose("batch norm forward", 1);

        for (boolean batchStatistics : new boolean[] {true, false}) {
            Pair gx = new Pair(size);
            Pair gGamma = new Pair(c);
            Pair gBeta = new Pair(c);
            for (Backend be : List.of(cpu, gpu)) {
                be.batchNormBackward(on(be, x), on(be, gy), n, c, spatial, on(be, mu2), on(be, invStd), on(be, gamma),
                        batchStatistics, on(be, gx), on(be, gGamma), on(be, gBeta));
            }
            gx.assertClose("batch norm gx, batchStatistics=" + batchStatistics, m);
            gGamma.assertClose("batch norm gGamma", m);
            gBeta.assertClose("batch norm gBeta", m);
            // each output alone (the others null): the sums must still be right when they go to scratch memory
            Pair gxAlone = new Pair(size);
            Pair gGammaAlone = new Pair(c);
            Pair gBetaAlone = new Pair(c);
            for (Backend be : List.of(cpu, gpu)) {
                be.batchNormBackward(on(be, x), on(be, gy), n, c, spatial, on(be, mu2), on(be, invStd), on(be, gamma),
                        batchStatistics, on(be, gxAlone), null, null);
                be.batchNormBackward(on(be, x), on(be, gy), n, c, spatial, on(be, mu2), on(be, invStd), on(be, gamma),
                        batchStatistics, null, on(be, gGammaAlone), null);
                be.batchNormBackward(on(be, x), on(be, gy), n, c, spatial, on(be, mu2), on(be, invStd), on(be, gamma),
                        batchStatistics, null, null, on(be, gBetaAlone));
            }
            gxAlone.assertClose("batch norm gx alone, batchStatistics=" + batchStatistics, m);
            gGammaAlone.assertClose("batch norm gGamma alone", m);
            gBetaAlone.assertClose("batch norm gBeta alone", m);
        }
    }

    private static long product(int[] shape) {
        return Arrays.stream(shape).asLongStream().reduce(1, (p, d) -> p * d);
    }
}
