package dev.nucleon.benchmarks;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.PoolGeometry;
import dev.nucleon.core.backend.RandomDistribution;
import dev.nucleon.core.backend.Storage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The four kernel families that matter for speed (SGEMM, conv2d, max pooling, batch norm), forward and backward,
 * through the {@link Backend} interface on the device named by {@code device} ({@code cpu}, {@code opencl},
 * {@code opencl:1}, {@code cuda}, {@code cuda:1}), so one run measures the CPU backend and a device side by side.
 * Written for the GPU (issue [cuda]: SGEMM 4096³ and the conv layers of U-Net B=16 at 256², the default shapes),
 * and used with smaller shapes for OpenCL on PoCL next to the CPU (issue [devices]):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar DeviceKernelBenchmark -p device=cpu,opencl -p threads=2 \
 *     -p gemm=1024x1024x1024 -p conv=2x8x256x256x8 -p pool=2x8x256x256 -p batchNorm=2x16x256x256 \
 *     -f 1 -wi 1 -i 3 -r 2 -w 2</pre>
 *
 * <p>Each family has its own shape parameter in its own {@link State} (so a method is only crossed with its own
 * family's shapes): {@code gemm} {@code MxNxK}; {@code conv} {@code NxCxHxWxCout} (3×3, stride 1, padding 1, the
 * U-Net convolution); {@code pool} {@code NxCxHxW} (2×2, stride 2, U-Net's down-sampling); {@code batchNorm}
 * {@code NxCxHxW} (training mode: batch statistics, and a backward pass through them). {@code threads} sets the
 * CPU backend's threads ({@link CpuSettings}); a device backend ignores it.
 *
 * <p>Each call ends by downloading one float of the output, which waits for the device to finish (device ops only
 * enqueue work), so JMH times completed work. The score is calls per second (ms per call = 1000 / score); the
 * {@code :gflop} secondary result of the GEMM and conv methods reads in GFLOP/s ({@link GigaflopCounter}). On a
 * machine without the device, the setup fails with one line, {@code "OPENCL unavailable: <the probe's reason>"}
 * ({@link BackendChoice}), which JMH prints before it moves on to the next device: the CPU rows are still measured,
 * and no row silently measures the CPU in the device's place.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DeviceKernelBenchmark {

    @Param({"cpu", "opencl"})
    public String device;

    /** CPU backend threads (ignored by device backends). */
    @Param({"2"})
    public int threads;

    Backend backend;
    private final float[] one = new float[1];

    @Setup
    public void setUp() {
        backend = Backends.get(BackendChoice.select(device, threads));
    }

    // ----- SGEMM ------------------------------------------------------------------------------------

    /** C (M×N) = A (M×K) · B (K×N), row-major. */
    @State(Scope.Benchmark)
    public static class Gemm {

        @Param({"4096x4096x4096"})
        public String gemm;

        int m;
        int n;
        int k;
        Storage a;
        Storage b;
        Storage c;

        @Setup
        public void setUp(DeviceKernelBenchmark bench) {
            int[] d = sizes(gemm, 3, "gemm");
            m = d[0];
            n = d[1];
            k = d[2];
            a = bench.random((long) m * k, 1);
            b = bench.random((long) k * n, 2);
            c = bench.backend.allocate((long) m * n);
        }
    }

    @Benchmark
    public Storage gemm(Gemm s, GigaflopCounter counter) {
        backend.matmul(s.a, 0, false, s.b, 0, false, s.c, 1, s.m, s.n, s.k);
        counter.gflop += 2.0 * s.m * s.n * s.k * 1e-9;
        return finish(s.c);
    }

    // ----- conv2d 3×3, stride 1, padding 1 --------------------------------------------------------------

    /** x (N, C, H, W), w (C_out, C, 3, 3), bias (C_out), y (N, C_out, H, W); the backward passes reuse x, w, y. */
    @State(Scope.Benchmark)
    public static class Conv {

        @Param({"1x16x256x256x16", "1x32x128x128x32", "1x64x64x64x64", "1x128x32x32x128", "1x256x16x16x256",
                "64x16x256x256x16", "64x32x128x128x32", "64x64x64x64x64", "64x128x32x32x128", "64x256x16x16x256"})
        public String conv;

        ConvGeometry geometry;
        Storage x;
        Storage w;
        Storage bias;
        Storage y;

        @Setup
        public void setUp(DeviceKernelBenchmark bench) {
            int[] d = sizes(conv, 5, "conv");
            geometry = ConvGeometry.of(d[0], d[1], d[2], d[3], d[4], 3, 1, 1, 1, 1);
            x = bench.random(numel(geometry.inputShape()), 1);
            w = bench.random(numel(geometry.weightShape()), 2);
            bias = bench.random(geometry.outChannels(), 3);
            y = bench.random(numel(geometry.outputShape()), 4);
        }
    }

    @Benchmark
    public Storage convForward(Conv s, GigaflopCounter counter) {
        backend.conv2d(s.geometry, s.x, s.w, s.bias, s.y);
        counter.gflop += s.geometry.flops() * 1e-9;
        return finish(s.y);
    }

    /** gx = ∂/∂x of the convolution applied to gy (y stands in for gy, x receives gx). */
    @Benchmark
    public Storage convBackwardData(Conv s, GigaflopCounter counter) {
        backend.conv2dBackwardData(s.geometry, s.y, s.w, s.x);
        counter.gflop += s.geometry.flops() * 1e-9;
        return finish(s.x);
    }

    /** gw = ∂/∂w of the convolution applied to gy (y stands in for gy, w receives gw). */
    @Benchmark
    public Storage convBackwardWeight(Conv s, GigaflopCounter counter) {
        backend.conv2dBackwardWeight(s.geometry, s.x, s.y, s.w);
        counter.gflop += s.geometry.flops() * 1e-9;
        return finish(s.w);
    }

    // ----- max pooling 2×2, stride 2 ---------------------------------------------------------------------

    /** x (N, C, H, W) → y (N, C, H/2, W/2); gy has y's shape, gx x's. */
    @State(Scope.Benchmark)
    public static class Pool {

        @Param({"8x16x256x256"})
        public String pool;

        PoolGeometry geometry;
        Storage x;
        Storage y;
        Storage gy;
        Storage gx;

        @Setup
        public void setUp(DeviceKernelBenchmark bench) {
            int[] shape = sizes(pool, 4, "pool");
            geometry = PoolGeometry.of(shape, 2, 2, 0, true);
            x = bench.random(numel(shape), 1);
            y = bench.backend.allocate(numel(geometry.outputShape()));
            gy = bench.random(numel(geometry.outputShape()), 2);
            gx = bench.backend.allocate(x.size());
        }
    }

    @Benchmark
    public Storage maxPoolForward(Pool s) {
        backend.maxPool2d(s.geometry, s.x, s.y);
        return finish(s.y);
    }

    @Benchmark
    public Storage maxPoolBackward(Pool s) {
        backend.maxPool2dBackward(s.geometry, s.x, s.gy, s.gx);
        return finish(s.gx);
    }

    // ----- batch norm, training mode ------------------------------------------------------------------

    /** x and gy (N, C, H·W); per-channel mean, variance, invStd = 1/√(σ² + 1e-5), γ, β and their gradients. */
    @State(Scope.Benchmark)
    public static class BatchNorm {

        @Param({"8x64x128x128"})
        public String batchNorm;

        int n;
        int c;
        int spatial;
        Storage x;
        Storage y;
        Storage gy;
        Storage gx;
        Storage mean;
        Storage variance;
        Storage invStd;
        Storage gamma;
        Storage beta;
        Storage gGamma;
        Storage gBeta;

        @Setup
        public void setUp(DeviceKernelBenchmark bench) {
            int[] d = sizes(batchNorm, 4, "batchNorm");
            n = d[0];
            c = d[1];
            spatial = d[2] * d[3];
            Backend b = bench.backend;
            long size = (long) n * c * spatial;
            x = bench.random(size, 1);
            gy = bench.random(size, 2);
            y = b.allocate(size);
            gx = b.allocate(size);
            mean = b.allocate(c);
            variance = b.allocate(c);
            gamma = bench.random(c, 3);
            beta = bench.random(c, 4);
            gGamma = b.allocate(c);
            gBeta = b.allocate(c);
            b.batchNormStatistics(x, n, c, spatial, mean, variance);
            float[] v = new float[c];
            b.download(variance, 0, v, 0, c);
            float[] inv = new float[c];
            for (int i = 0; i < c; i++) {
                inv[i] = (float) (1 / Math.sqrt(v[i] + 1e-5));
            }
            invStd = b.upload(inv, 0, c);
        }
    }

    /** The batch statistics, then y = (x − μ)·invStd·γ + β (invStd from the setup: c floats, not worth timing). */
    @Benchmark
    public Storage batchNormForward(BatchNorm s) {
        backend.batchNormStatistics(s.x, s.n, s.c, s.spatial, s.mean, s.variance);
        backend.batchNormForward(s.x, s.n, s.c, s.spatial, s.mean, s.invStd, s.gamma, s.beta, s.y);
        return finish(s.y);
    }

    /** gx, gγ and gβ, the gradient flowing through the batch statistics (training). */
    @Benchmark
    public Storage batchNormBackward(BatchNorm s) {
        backend.batchNormBackward(s.x, s.gy, s.n, s.c, s.spatial, s.mean, s.invStd, s.gamma, true, s.gx, s.gGamma, s.gBeta);
        return finish(s.gx);
    }

    // ----- helpers ------------------------------------------------------------------------------------

    Storage random(long size, long seed) {
        Storage s = backend.allocate(size);
        backend.fillRandom(s, RandomDistribution.UNIFORM, seed, -1f, 1f);
        return s;
    }

    private Storage finish(Storage out) {
        backend.download(out, 0, one, 0, 1); // waits for the device
        return out;
    }

    /** "AxBxC…" → its {@code count} sizes, or a one-line error naming the parameter. */
    static int[] sizes(String shape, int count, String parameter) {
        int[] d;
        try {
            d = Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            d = new int[0];
        }
        if (d.length != count) {
            throw new IllegalArgumentException(parameter + "=" + shape + ": expected " + count + " sizes separated by 'x'");
        }
        return d;
    }

    private static long numel(int[] shape) {
        long n = 1;
        for (int v : shape) {
            n *= v;
        }
        return n;
    }
}
