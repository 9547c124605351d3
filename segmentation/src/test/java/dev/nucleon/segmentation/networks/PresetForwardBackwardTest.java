package dev.nucleon.segmentation.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.Parameter;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.loss.BinaryCrossEntropy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every preset runs forward and backward on a small batch: the output has the documented shape and range,
 * and every parameter receives a finite gradient. Inputs are tiny (2 × C × 32 × 32) so the whole class runs
 * in seconds on two cores.
 */
@SuppressWarnings("try") // no-grad scopes are used only for their effect
class PresetForwardBackwardTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = ';', value = {
            "unet-bn;        ;               32; 1; 1",
            "unet;           base=8;         32; 1; 1",
            "unet;           ;               32; 1; 1",
            "unet-relu;      ;               32; 1; 1",
            "unet-elu;       ;               32; 1; 1",
            "unet-carving;   ;               32; 1; 1",
            "unet-plusplus;  base=8;         32; 1; 1",
            "unet-plus;      up=tc;          32; 1; 1",
            "unet-plus;      up=us,base=8;   32; 1; 1",
            "resfcn;         ;               32; 2; 2",
            "simple-cnn;     ;               32; 3; 1",
            "resnet-fcn;     depth=18;       32; 1; 1",
            "resnet-fcn;     depth=50;       32; 1; 1",
            "unet-bn;        classes=3;      16; 3; 1",
    })
    void forwardAndBackward(String preset, String options, int size, int outChannels, int downscale) {
        Initializers.manualSeed(7);
        Map<String, String> opts = new java.util.LinkedHashMap<>();
        if (options != null) {
            for (String kv : options.split(",")) {
                String[] p = kv.split("=");
                opts.put(p[0].trim(), p[1].trim());
            }
        }
        Module net = Presets.build(preset, opts);
        int c = Presets.get(preset).inChannels(net.config());
        Tensor x = Tensor.uniform(11, 0f, 1f, 2, c, size, size);
        net.train();
        Tensor y = net.forward(x);
        int out = size / downscale;
        assertArrayEquals(new int[] {2, outChannels, out, out}, y.shape(), preset);
        float[] v = y.toArray();
        for (float p : v) {
            assertTrue(p >= 0 && p <= 1 && Float.isFinite(p), preset + ": output " + p + " is not a probability");
        }
        if (preset.equals("resfcn") || opts.getOrDefault("classes", "1").equals("3") && !preset.equals("simple-cnn")) {
            // softmax over the channel axis
            int plane = out * out;
            for (int i = 0; i < plane; i++) {
                float s = 0;
                for (int k = 0; k < outChannels; k++) {
                    s += v[k * plane + i];
                }
                assertEquals(1f, s, 1e-5f, preset + ": class probabilities sum to 1");
            }
        }
        Tensor target = Tensor.uniform(12, 0f, 1f, y.shape()).sub(0.5f).relu().mul(1e9f).clamp(0f, 1f);
        Tensor loss = new BinaryCrossEntropy().compute(y, target);
        loss.backward();
        double norm = 0;
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            Tensor g = e.getValue().grad();
            assertNotNull(g, preset + ": no gradient reached " + e.getKey());
            for (float gv : g.toArray()) {
                assertTrue(Float.isFinite(gv), preset + ": gradient of " + e.getKey() + " is " + gv);
                norm += gv * gv;
            }
        }
        assertTrue(norm > 0, preset + ": all gradients are zero");

        // inference mode: deterministic (dropout off, batch norm on running statistics), no graph
        net.eval();
        try (var scope = Autograd.noGrad()) {
            float[] a = net.forward(x).toArray();
            float[] b = net.forward(x).toArray();
            assertArrayEquals(a, b, 0f, preset + ": inference is deterministic");
        }
    }

    @ParameterizedTest
    @CsvSource({"unet-bn, 24", "unet, 40", "unet-plus, 8", "unet-plusplus, 20", "resfcn, 48", "resnet-fcn, 16"})
    void inputSizesTheNetworkCannotHandleAreRefusedWithAHint(String preset, int size) {
        Module net = Presets.build(preset, preset.equals("resnet-fcn") ? Map.of("depth", 18)
                : preset.startsWith("unet") && !preset.equals("unet-bn") ? Map.of("base", 2) : Map.of());
        int c = Presets.get(preset).inChannels(net.config());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.forward(Tensor.zeros(1, c, size, size)));
        assertTrue(e.getMessage().contains("multiple of"), e.getMessage());
        IllegalArgumentException ch = assertThrows(IllegalArgumentException.class,
                () -> net.forward(Tensor.zeros(1, c + 1, 64, 64)));
        assertTrue(ch.getMessage().contains("expected input (N, " + c + ", H, W)"), ch.getMessage());
    }
}
