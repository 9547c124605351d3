package dev.nucleon.benchmarks.peers;

import dev.nucleon.benchmarks.BackendChoice;
import dev.nucleon.benchmarks.BenchmarkInputs;
import dev.nucleon.benchmarks.ModelSpec;
import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.segmentation.networks.UNet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
 * DL4J's per-patch inference of the same network, weights and input as {@code InferenceBenchmark} (same
 * {@code model}, {@code batch}, {@code size} and {@code threads} parameters, so the report pairs the rows): a
 * {@link Dl4jUNet} graph in inference mode ({@code outputSingle(false, x)}), ND4J CPU backend with
 * {@link Nd4jSettings} threads. Setup checks that DL4J's output equals Nucleon's within 1e-4.
 * <pre>OMP_NUM_THREADS=2 java -jar benchmarks/target/benchmarks.jar Dl4jInference -p model=unet:16 -p batch=1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class Dl4jInferenceBenchmark {

    @Param({"unet:16", "unet:8"})
    public String model;

    @Param({"1", "16"})
    public int batch;

    @Param({"256"})
    public int size;

    @Param({"2"})
    public int threads;

    private ComputationGraph graph;
    private INDArray input;

    @Setup
    public void setUp() {
        BackendChoice.select("cpu", threads);
        Nd4jSettings.apply(threads);
        ModelSpec spec = ModelSpec.parse(model);
        Module nucleon = spec.build(BenchmarkInputs.WEIGHT_SEED);
        nucleon.eval();
        int c = spec.inChannels();
        float[] x = BenchmarkInputs.uniform(BenchmarkInputs.INPUT_SEED, batch * c * size * size);
        graph = Dl4jUNet.of((UNet) nucleon, size);
        input = Nd4j.create(x, new long[] {batch, c, size, size}, 'c');
        float[] want;
        try (var g = Autograd.noGrad()) {
            want = nucleon.forward(Tensor.of(x, batch, c, size, size)).toArray();
        }
        float[] got = dl4j().dup('c').data().asFloat();
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(want[i] - got[i]));
        }
        if (worst > 1e-4) {
            throw new IllegalStateException("DL4J and Nucleon disagree on " + model + ": max |difference| " + worst);
        }
        System.out.println(Nd4jSettings.describe());
    }

    @Benchmark
    public INDArray dl4j() {
        return graph.outputSingle(false, input);
    }
}
