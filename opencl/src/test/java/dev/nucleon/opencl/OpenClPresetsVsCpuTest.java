package dev.nucleon.opencl;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Device;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.Parameter;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.loss.BinaryCrossEntropy;
import dev.nucleon.nn.optim.SGD;
import dev.nucleon.segmentation.networks.Presets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every preset on {@code opencl:0} against the CPU backend, from the same weights and batch: the inference
 * forward pass, then one training step (train-mode forward, binary cross-entropy, backward, one SGD step with
 * momentum): the same loss, the same gradient of every parameter, the same updated weights and running statistics.
 * Small inputs (2 × C × 32 × 32, base 8 where a preset takes it) keep the class within about a minute on PoCL.
 * ResNet-50 is checked forward only: at 32 × 32 its last stage is 1 × 1, so training-mode batch norm there
 * normalises 2 values per channel, an ill-conditioned division that turns float rounding into a loss difference of
 * a few percent on any two backends (its bottleneck blocks' forward is compared; ResNet-18 runs the training step).
 *
 * <p>Tolerances, relative to each tensor's largest magnitude ({@code max |opencl − cpu| ≤ tol · max(1e-3, max |cpu|)}):
 * the forward output 2e-5 (the suite's {@code Tolerances.CROSS_DEVICE}) and the training step 2e-3 (the CUDA U-Net
 * step's). The step is a whole network of the suite's single ops forward and backward, with different summation
 * orders on the two sides (the CPU's direct convolution against implicit GEMM here), and batch norm in training
 * divides by per-batch standard deviations, which magnifies rounding (observed ≤ 1.5e-3 for ResNet-18, ≤ 4.4e-5
 * elsewhere); an indexing or formula error is of order 1 and fails by orders of magnitude.
 */
@RequiresOpenCl
class OpenClPresetsVsCpuTest {

    /** The suite's device-vs-cpu tolerance, relative to the output's largest magnitude (observed ≤ 1.6e-6 on PoCL). */
    private static final double FORWARD_TOLERANCE = dev.nucleon.core.testing.Tolerances.CROSS_DEVICE.relativeToMax();
    private static final double STEP_TOLERANCE = 2e-3;

    @ParameterizedTest(name = "{0} {1} (training step: {2})")
    @CsvSource(delimiter = ';', value = {
            "unet-bn;        base=8; true",
            "unet;           base=8; true",
            "unet-relu;      base=8; true",
            "unet-elu;       base=8; true",
            "unet-carving;   base=8; true",
            "unet-plusplus;  base=8; true",
            "unet-plus;      up=tc,base=8; true",
            "unet-plus;      up=us,base=8; true",
            "resfcn;         ; true",
            "simple-cnn;     ; true",
            "resnet-fcn;     depth=18; true",
            "resnet-fcn;     depth=50; false",
    })
    @SuppressWarnings("try")
    void forwardAndOneTrainingStepMatchTheCpu(String preset, String options, boolean trainingStep) {
        Map<String, String> opts = new LinkedHashMap<>();
        if (options != null) {
            for (String kv : options.split(",")) {
                String[] p = kv.split("=");
                opts.put(p[0].trim(), p[1].trim());
            }
        }
        String label = options == null ? preset : preset + "(" + options.replace(" ", "") + ")";
        Device opencl = new Device("opencl", 0);
        Initializers.manualSeed(7);
        Module onCpu = Presets.build(preset, opts);
        Initializers.manualSeed(7);
        Module onDevice = Presets.build(preset, opts).to(opencl);
        int c = Presets.get(preset).inChannels(onCpu.config());
        Tensor x = Tensor.uniform(11, 0f, 1f, 2, c, 32, 32);

        onCpu.eval();
        onDevice.eval();
        int[] outputShape;
        try (var scope = Autograd.noGrad()) {
            Tensor cpuY = onCpu.forward(x);
            outputShape = cpuY.shape();
            Tensor deviceY = onDevice.forward(x.to(opencl));
            assertArrayEquals(cpuY.shape(), deviceY.shape(), label + ": output shape");
            assertSimilar(label + " forward", cpuY.toArray(), deviceY.toArray(), FORWARD_TOLERANCE);
        }

        if (!trainingStep) {
            return;
        }
        onCpu.train();
        onDevice.train();
        Tensor target = Tensor.uniform(12, 0f, 1f, outputShape).sub(0.5f).relu().mul(1e9f).clamp(0f, 1f);
        float cpuLoss = step(onCpu, x, target);
        float deviceLoss = step(onDevice, x.to(opencl), target.to(opencl));
        assertEquals(cpuLoss, deviceLoss, STEP_TOLERANCE * Math.max(1, Math.abs(cpuLoss)), label + ": loss");
        Map<String, Parameter> cpuParameters = onCpu.namedParameters();
        Map<String, Parameter> deviceParameters = onDevice.namedParameters();
        assertEquals(cpuParameters.keySet(), deviceParameters.keySet());
        for (String name : cpuParameters.keySet()) {
            assertSimilar(label + " gradient of " + name, cpuParameters.get(name).grad().toArray(),
                    deviceParameters.get(name).grad().toArray(), STEP_TOLERANCE);
        }
        Map<String, Tensor> cpuState = onCpu.stateDict();
        Map<String, Tensor> deviceState = onDevice.stateDict();
        for (String name : cpuState.keySet()) {
            assertSimilar(label + " state " + name + " after the step", cpuState.get(name).toArray(),
                    deviceState.get(name).toArray(), STEP_TOLERANCE);
        }
    }

    /** Forward in train mode, loss, backward, one SGD step with momentum; returns the loss. */
    private static float step(Module net, Tensor x, Tensor target) {
        SGD sgd = new SGD(net, 0.05).momentum(0.9);
        sgd.zeroGrad();
        Tensor loss = new BinaryCrossEntropy().compute(net.forward(x), target);
        loss.backward();
        sgd.step();
        return loss.item();
    }

    static void assertSimilar(String what, float[] cpu, float[] device, double tolerance) {
        assertEquals(cpu.length, device.length, what + ": length");
        double largest = 1e-3;
        for (float v : cpu) {
            largest = Math.max(largest, Math.abs(v));
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < cpu.length; i++) {
            assertTrue(!Float.isNaN(device[i]) || Float.isNaN(cpu[i]), what + ": NaN at " + i);
            double d = Math.abs((double) device[i] - cpu[i]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        double used = worst / largest;
        WORST.merge(what.substring(0, what.indexOf(' ') < 0 ? what.length() : what.indexOf(' ')) + (what.contains("forward") ? " forward" : " step"),
                used, Math::max);
        assertTrue(worst <= tolerance * largest, String.format(Locale.ROOT,
                "%s: max |opencl − cpu| = %.3g at %d (cpu %s, opencl %s) > %s × %.3g", what, worst, at,
                at < 0 ? "-" : cpu[at], at < 0 ? "-" : device[at], tolerance, largest));
    }

    /** The worst error relative to the tensor's largest magnitude, per preset and phase (printed at the end). */
    static final Map<String, Double> WORST = new java.util.concurrent.ConcurrentSkipListMap<>();

    @org.junit.jupiter.api.AfterAll
    static void printWorst() {
        WORST.forEach((k, v) -> System.out.printf(Locale.ROOT, "opencl vs cpu %-28s worst %.2e of the largest magnitude%n", k, v));
    }
}
