package dev.nucleon.benchmarks.peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.benchmarks.BenchmarkInputs;
import dev.nucleon.benchmarks.ModelSpec;
import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.segmentation.networks.UNet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Locale;

/**
 * The DL4J peer computes what Nucleon computes: the same U-Net, Nucleon's weights copied in, eval mode, on a random
 * 1×C×64×64 input; the largest absolute difference of the (sigmoid) outputs must be below {@value #TOLERANCE}.
 * Runs only in the {@code peers} profile.
 */
class Dl4jUNetTest {

    static final double TOLERANCE = 1e-4;
    static final int SIZE = 64;

    @ParameterizedTest
    @ValueSource(strings = {"unet:16", "unet:8", "unet-relu", "unet-elu", "unet-carving"})
    void dl4jOutputEqualsNucleons(String model) {
        Nd4jSettings.apply(2);
        ModelSpec spec = ModelSpec.parse(model);
        Module nucleon = spec.build(BenchmarkInputs.WEIGHT_SEED);
        nucleon.eval();
        int c = spec.inChannels();
        float[] x = BenchmarkInputs.uniform(BenchmarkInputs.INPUT_SEED, c * SIZE * SIZE);
        float[] want;
        int[] shape;
        try (var g = Autograd.noGrad()) {
            Tensor y = nucleon.forward(Tensor.of(x, 1, c, SIZE, SIZE));
            want = y.toArray();
            shape = y.shape();
        }
        ComputationGraph graph = Dl4jUNet.of((UNet) nucleon, SIZE);
        INDArray got = graph.outputSingle(false, Nd4j.create(x, new long[] {1, c, SIZE, SIZE}, 'c'));
        assertArrayEquals(Arrays.stream(shape).asLongStream().toArray(), got.shape());
        float[] g = got.dup('c').data().asFloat();
        double worst = 0;
        double mean = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(want[i] - g[i]));
            mean += want[i];
        }
        mean /= want.length;
        System.out.printf(Locale.ROOT, "DL4J vs Nucleon, %s, 1x%dx%dx%d: max |difference| %.3g (mean output %.4f)%n",
                model, c, SIZE, SIZE, worst, mean);
        assertTrue(worst < TOLERANCE, model + ": max |DL4J - Nucleon| = " + worst);
    }
}
