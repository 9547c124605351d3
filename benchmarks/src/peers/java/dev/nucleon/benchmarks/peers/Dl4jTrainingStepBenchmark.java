package dev.nucleon.benchmarks.peers;

import dev.nucleon.benchmarks.BackendChoice;
import dev.nucleon.benchmarks.BenchmarkInputs;
import dev.nucleon.benchmarks.ModelSpec;
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
 * DL4J's training step on the network of {@code TrainingStepBenchmark} (same {@code model}, {@code batch},
 * {@code size}, {@code threads}, weights, input and target): {@code ComputationGraph.fit(x, y)}, i.e. forward in
 * training mode (dropout on), binary cross-entropy (DL4J has no BCE − log Dice), backward and one Adam step
 * (lr 1e-3). The score is ms per step.
 * <pre>OMP_NUM_THREADS=2 java -jar benchmarks/target/benchmarks.jar Dl4jTrainingStep -p model=unet:16</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class Dl4jTrainingStepBenchmark {

    @Param({"unet:16", "unet:8"})
    public String model;

    @Param({"2"})
    public int batch;

    @Param({"256"})
    public int size;

    @Param({"2"})
    public int threads;

    private ComputationGraph graph;
    private INDArray[] input;
    private INDArray[] target;

    @Setup
    public void setUp() {
        BackendChoice.select("cpu", threads);
        Nd4jSettings.apply(threads);
        ModelSpec spec = ModelSpec.parse(model);
        Module nucleon = spec.build(BenchmarkInputs.WEIGHT_SEED);
        int c = spec.inChannels();
        graph = Dl4jUNet.of((UNet) nucleon, size);
        input = new INDArray[] {Nd4j.create(BenchmarkInputs.uniform(BenchmarkInputs.INPUT_SEED, batch * c * size * size),
                new long[] {batch, c, size, size}, 'c')};
        int k = ((UNet) nucleon).unetConfig().outChannels();
        target = new INDArray[] {Nd4j.create(BenchmarkInputs.binaryTarget(BenchmarkInputs.TARGET_SEED,
                batch * k * size * size), new long[] {batch, k, size, size}, 'c')};
        System.out.println(Nd4jSettings.describe());
    }

    @Benchmark
    public double dl4j() {
        graph.fit(input, target);
        return graph.score();
    }
}
