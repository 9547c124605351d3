package dev.nucleon.benchmarks;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.Device;
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

import java.util.concurrent.TimeUnit;

/**
 * The compute kernels of any backend through the {@link Backend} interface: SGEMM and conv2d forward and
 * both backward passes, on the device named by {@code device} ({@code cpu}, {@code cuda}, {@code cuda:1}).
 * Written for the GPU (issue [cuda]: SGEMM 4096³ and the conv layers of U-Net B=16 at 256²), and runs
 * unchanged on the CPU for comparison.
 *
 * <p>Each call ends by downloading one float of the output, which waits for the device to finish (GPU
 * ops only enqueue work), so JMH times completed work. On a machine without the device the setup fails
 * with the backend's reason ("cuda unavailable: …"), and JMH reports that instead of a number.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar DeviceKernelBenchmark -p device=cuda -f 1 -wi 3 -i 5</pre>
 *
 * {@code shape}: {@code gemm:MxNxK} or {@code conv:NxCxHxWxCout} (3×3, stride 1, padding 1). The default
 * conv shapes are the five levels of U-Net B=16 on one 256² patch and on a batch of 64.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DeviceKernelBenchmark {

    @Param({"cuda"})
    public String device;

    @Param({"gemm:4096x4096x4096",
            "conv:1x16x256x256x16", "conv:1x32x128x128x32", "conv:1x64x64x64x64", "conv:1x128x32x32x128",
            "conv:1x256x16x16x256",
            "conv:64x16x256x256x16", "conv:64x32x128x128x32", "conv:64x64x64x64x64", "conv:64x128x32x32x128",
            "conv:64x256x16x16x256"})
    public String shape;

    private Backend backend;
    private ConvGeometry conv;
    private int m;
    private int n;
    private int k;
    private Storage a;
    private Storage b;
    private Storage c;
    private Storage bias;
    private final float[] one = new float[1];

    @Setup
    public void setUp() {
        backend = Backends.get(Device.parse(device));
        String[] kind = shape.split(":");
        int[] d = java.util.Arrays.stream(kind[1].split("x")).mapToInt(Integer::parseInt).toArray();
        if (kind[0].equals("gemm")) {
            m = d[0];
            n = d[1];
            k = d[2];
            a = random((long) m * k, 1);
            b = random((long) k * n, 2);
            c = backend.allocate((long) m * n);
        } else {
            conv = ConvGeometry.of(d[0], d[1], d[2], d[3], d[4], 3, 1, 1, 1, 1);
            a = random(numel(conv.inputShape()), 1);
            b = random(numel(conv.weightShape()), 2);
            c = backend.allocate(numel(conv.outputShape()));
            bias = random(conv.outChannels(), 3);
        }
    }

    private Storage random(long size, long seed) {
        Storage s = backend.allocate(size);
        backend.fillRandom(s, RandomDistribution.UNIFORM, seed, -1f, 1f);
        return s;
    }

    private static long numel(int[] shape) {
        long n = 1;
        for (int v : shape) {
            n *= v;
        }
        return n;
    }

    private Storage finish(Storage out) {
        backend.download(out, 0, one, 0, 1); // waits for the device
        return out;
    }

    @Benchmark
    public Storage forward(GigaflopCounter counter) {
        if (conv == null) {
            backend.matmul(a, 0, false, b, 0, false, c, 1, m, n, k);
            counter.gflop += 2.0 * m * n * k * 1e-9;
            return finish(c);
        }
        backend.conv2d(conv, a, b, bias, c);
        counter.gflop += conv.flops() * 1e-9;
        return finish(c);
    }

    @Benchmark
    public Storage backwardData(GigaflopCounter counter) {
        if (conv == null) {
            return c; // GEMM has one pass; see forward
        }
        backend.conv2dBackwardData(conv, c, b, a);
        counter.gflop += conv.flops() * 1e-9;
        return finish(a);
    }

    @Benchmark
    public Storage backwardWeight(GigaflopCounter counter) {
        if (conv == null) {
            return c;
        }
        backend.conv2dBackwardWeight(conv, a, c, b);
        counter.gflop += conv.flops() * 1e-9;
        return finish(b);
    }
}
