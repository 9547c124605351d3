package dev.nucleon.segmentation.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.ModelConfig;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.segmentation.networks.Output;
import dev.nucleon.segmentation.networks.Presets;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every U-Net-family preset serves as the encoder-decoder of a two-channel head. */
class HeadPresetsTest {
    @ParameterizedTest
    @ValueSource(strings = {"unet-bn", "unet", "unet-relu", "unet-elu", "unet-carving", "unet-plusplus", "unet-plus"})
    void twoIndependentSigmoidChannelsTrainWithTheHeadLoss(String preset) {
        Map<String, Object> options = new LinkedHashMap<>(Map.of("base", 4, "depth", 3, "in_channels", 3, "classes", 2));
        if (Presets.get(preset).options().contains(Presets.OUTPUT)) {
            options.put(Presets.OUTPUT, "sigmoid");
        }
        Initializers.manualSeed(1);
        Module net = Presets.build(preset, options);
        assertEquals(Output.SIGMOID, Presets.outputOf(net.config()), preset);
        Tensor x = Tensor.uniform(2, 0f, 1f, 2, 3, 32, 32);
        Tensor y = net.forward(x);
        assertArrayEquals(new int[] {2, 2, 32, 32}, y.shape(), preset);
        float[] v = y.toArray();
        int plane = 32 * 32;
        boolean sumsToOne = true;
        for (int i = 0; i < plane; i++) {
            assertTrue(v[i] >= 0 && v[i] <= 1 && v[plane + i] >= 0 && v[plane + i] <= 1, preset + ": " + v[i]);
            sumsToOne &= Math.abs(v[i] + v[plane + i] - 1) < 1e-6;
        }
        assertTrue(!sumsToOne, preset + ": the channels must be independent, not a softmax");
        float[] target = Head.DISTANCE.target(HeadTest.touching());
        Tensor t = Tensor.of(target, 1, 2, 12, 24);
        Tensor loss = HeadLoss.of(Head.DISTANCE).compute(net.forward(Tensor.uniform(3, 0f, 1f, 1, 3, 32, 32))
                .slice(2, 0, 12).slice(3, 0, 24), t);
        loss.backward();
        long withGrad = net.parameters().stream().filter(p -> p.grad() != null).count();
        assertTrue(withGrad > 0, preset + ": no gradient reached the parameters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"unet-bn", "unet"})
    void withoutTheOutputOptionTwoClassesStaySoftmaxAsInThePapers(String preset) {
        ModelConfig c = Presets.build(preset, Map.of("base", 4, "depth", 3, "classes", 2)).config();
        assertNotNull(c);
        assertEquals(Output.SOFTMAX, Presets.outputOf(c));
    }
}
