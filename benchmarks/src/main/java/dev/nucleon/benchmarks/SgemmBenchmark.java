package dev.nucleon.benchmarks;

import dev.nucleon.core.cpu.gemm.Sgemm;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code C = A·B} with square {@code size}³ float matrices through {@link Sgemm#multiply}.
 *
 * <p>GFLOP/s = the {@code multiply:gflop} secondary result (2·size³ flops per call, divided by JMH's
 * measured time, see {@link GigaflopCounter}). Parameters: {@code threads} (CPU backend threads) and
 * {@code kernel} ("vector" = Vector API micro-kernel, "scalar" = plain-Java fallback), e.g.
 * <pre>java -jar benchmarks/target/benchmarks.jar Sgemm -f 1 -wi 3 -i 5 -p threads=1,2 -p kernel=vector,scalar</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SgemmBenchmark {

    @Param({"1024"})
    public int size;

    @Param({"2"})
    public int threads;

    @Param({"vector"})
    public String kernel;

    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setUp() {
        CpuSettings.apply(threads, kernel);
        SplittableRandom random = new SplittableRandom(42);
        a = new float[size * size];
        b = new float[size * size];
        c = new float[size * size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
            b[i] = (float) random.nextDouble(-1, 1);
        }
    }

    @Benchmark
    public float[] multiply(GigaflopCounter counter) {
        Sgemm.multiply(false, false, size, size, size, a, 0, b, 0, c, 0, false);
        counter.gflop += 2.0 * size * size * size * 1e-9;
        return c;
    }
}
