package dev.nucleon.benchmarks;

import dev.nucleon.core.Device;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Normalization;
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
 * Batch norm on an (8, 64, 128, 128) activation: training forward (statistics pass + normalise pass:
 * reads x three times, writes y once) and forward + backward (adds reading x and gy twice, writing gx).
 * Memory-bound; compare the time with {@link ElementwiseBenchmark#add} (3 passes) to read it as bandwidth.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar BatchNorm -p threads=2 -p backend=cpu,opencl} (the
 * backend's kernels alone, without autograd: {@link DeviceKernelBenchmark}'s {@code batchNorm*} methods).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BatchNormBenchmark {

    @Param({"8,64,128,128"})
    public String shape;

    /** CPU backend threads (ignored by device backends). */
    @Param({"2"})
    public int threads;

    /** cpu, cuda or opencl, as in {@link InferenceBenchmark}. */
    @Param({"cpu"})
    public String backend;

    private Tensor x;
    private Tensor gamma;
    private Tensor beta;
    private Tensor runningMean;
    private Tensor runningVar;
    private Tensor seed;

    @Setup
    public void setUp() {
        Device device = BackendChoice.select(backend, threads);
        int[] s = java.util.Arrays.stream(shape.split(",")).mapToInt(Integer::parseInt).toArray();
        x = Tensor.uniform(1, -1, 1, s).to(device).requiresGrad(true);
        gamma = Tensor.ones(s[1]).to(device).requiresGrad(true);
        beta = Tensor.zeros(s[1]).to(device).requiresGrad(true);
        runningMean = Tensor.zeros(s[1]).to(device);
        runningVar = Tensor.ones(s[1]).to(device);
        seed = Tensor.uniform(2, -1, 1, s).to(device);
    }

    @Benchmark
    public Tensor trainingForward() {
        try (var scope = dev.nucleon.core.Autograd.noGrad()) {
            return Normalization.batchNorm2d(x, runningMean, runningVar, gamma, beta, true, 0.1f, 1e-5f);
        }
    }

    @Benchmark
    public Tensor inferenceForward() {
        try (var scope = dev.nucleon.core.Autograd.noGrad()) {
            return Normalization.batchNorm2d(x, runningMean, runningVar, gamma, beta, false, 0.1f, 1e-5f);
        }
    }

    @Benchmark
    public Tensor trainingForwardBackward() {
        Tensor y = Normalization.batchNorm2d(x, runningMean, runningVar, gamma, beta, true, 0.1f, 1e-5f);
        y.backward(seed);
        x.zeroGrad();
        gamma.zeroGrad();
        beta.zeroGrad();
        return y;
    }
}
