package dev.nucleon.benchmarks;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Memory bandwidth of the CPU backend's elementwise family on an (8, 64, 128, 128) activation
 * (8.4 M floats, 32 MiB — far larger than cache). Bytes moved per call: add = 3 × 32 MiB (two reads, one
 * write), relu = 2 × 32 MiB, relu backward = 3 × 32 MiB, bias add = 2 × 32 MiB. GB/s = bytes / time.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -Dnucleon.threads=2 -jar benchmarks/target/benchmarks.jar Elementwise}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElementwiseBenchmark {

    @Param({"8,64,128,128"})
    public String shape;

    private Tensor a;
    private Tensor b;
    private Tensor bias;
    private Tensor reluIn;
    private Tensor reluOut;
    private Autograd.NoGradScope noGrad;

    @Setup
    public void setUp() {
        int[] s = java.util.Arrays.stream(shape.split(",")).mapToInt(Integer::parseInt).toArray();
        a = Tensor.uniform(1, -1, 1, s);
        b = Tensor.uniform(2, -1, 1, s);
        bias = Tensor.uniform(3, -1, 1, 1, s[1], 1, 1);
        reluIn = a.requiresGrad(false);
        noGrad = Autograd.noGrad();
        reluOut = reluIn.relu();
    }

    @TearDown
    public void tearDown() {
        noGrad.close();
    }

    @Benchmark
    public Tensor add() {
        return a.add(b);
    }

    @Benchmark
    public Tensor biasAdd() {
        return a.add(bias);
    }

    @Benchmark
    public Tensor relu() {
        return a.relu();
    }

    @Benchmark
    public Tensor sigmoid() {
        return a.sigmoid();
    }

    @Benchmark
    public Tensor sumAll() {
        return a.sum();
    }

    @Benchmark
    public Tensor reluBackward() {
        Tensor gx = Tensor.zeros(a.backend(), a.shape());
        a.backend().unaryBackward(dev.nucleon.core.backend.UnaryOp.RELU, 0, 0, reluIn.storage(), reluOut.storage(),
                b.storage(), gx.storage());
        return gx;
    }
}
