package dev.nucleon.benchmarks;

import dev.nucleon.core.Device;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.loss.Loss;
import dev.nucleon.nn.optim.Adam;
import dev.nucleon.nn.optim.Optimizer;
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
 * One full training step of every network preset, as {@code Trainer} runs it: zero the gradients, forward in
 * training mode (dropout and batch-norm statistics on), the loss of the preset's paper ({@link ModelSpec#trainingLoss()}:
 * BCE − log Dice for paper 004's networks), backward, one Adam step (lr 1e-3). Fresh weights (seed 42), a
 * (batch, C, 256, 256) input uniform in [0, 1) and a random binary target of the network's output shape.
 *
 * <p>The score is milliseconds per step; patches per second is {@code 1000 · batch / score} (the report tool
 * prints both). The default batch is 2: on a 2-core machine a step of the largest presets (unet-bn: 31 M weights;
 * resnet-fcn: ResNet-152) already takes seconds, and the per-patch cost hardly changes with the batch once the
 * convolutions' GEMMs are large. Paper 004 trains at batch 8: pass {@code -p batch=8} on a larger machine.
 * <pre>java -jar benchmarks/target/benchmarks.jar TrainingStep -f 1 -wi 1 -i 3 -p model=unet:16,unet:8</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class TrainingStepBenchmark {

    @Param({"unet-bn:64", "unet:16", "unet:8", "unet-relu:16", "unet-elu:16", "unet-carving:16", "unet-plusplus:16",
            "unet-plusplus:8", "unet-plus:16", "unet-plus:8", "resfcn", "simple-cnn", "resnet-fcn"})
    public String model;

    @Param({"2"})
    public int batch;

    @Param({"256"})
    public int size;

    @Param({"2"})
    public int threads;

    /** cpu or cuda, as in {@link InferenceBenchmark}. */
    @Param({"cpu"})
    public String backend;

    private Module network;
    private Optimizer optimizer;
    private Loss loss;
    private Tensor input;
    private Tensor target;

    @Setup
    public void setUp() {
        Device device = BackendChoice.select(backend, threads);
        ModelSpec spec = ModelSpec.parse(model);
        network = spec.build(BenchmarkInputs.WEIGHT_SEED);
        network.train();
        network.to(device);
        optimizer = new Adam(network, 1e-3);
        loss = spec.trainingLoss();
        input = Tensor.of(BenchmarkInputs.uniform(BenchmarkInputs.INPUT_SEED, batch * spec.inChannels() * size * size),
                batch, spec.inChannels(), size, size).to(device);
        int[] outShape = network.forward(input).shape();
        target = Tensor.of(BenchmarkInputs.binaryTarget(BenchmarkInputs.TARGET_SEED,
                Math.toIntExact(Shape.numel(outShape))), outShape).to(device);
        optimizer.zeroGrad();
    }

    /** One step; returns the loss (a rank-0 tensor) so the work cannot be optimised away. */
    @Benchmark
    public float nucleon() {
        return step(network, optimizer, loss, input, target);
    }

    /** zero-grad, forward, loss, backward, optimiser step: the body of {@code Trainer}'s batch loop. */
    static float step(Module network, Optimizer optimizer, Loss loss, Tensor input, Tensor target) {
        optimizer.zeroGrad();
        Tensor l = loss.compute(network.forward(input), target);
        float value = l.item();
        l.backward();
        optimizer.step();
        return value;
    }
}
