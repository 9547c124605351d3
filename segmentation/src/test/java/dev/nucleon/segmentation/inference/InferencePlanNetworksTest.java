package dev.nucleon.segmentation.inference;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.cpu.CpuBackend;
import dev.nucleon.nn.InferencePlan;
import dev.nucleon.nn.Module;
import dev.nucleon.segmentation.networks.Presets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every network prepared by {@link LayerFusion#forInference} runs under an {@link InferencePlan}: its forward has
 * no memory handling of its own, the plan releases its activations (into the CPU backend's pool, which the next
 * pass reuses), and the planned passes compute bit for bit what the same network computes without the plan.
 */
class InferencePlanNetworksTest {

    /** (preset, base or null, up mode or resnet-fcn depth or null) of every network, small. */
    static Stream<Arguments> presets() {
        return Stream.of(Arguments.of("unet", 8, null), Arguments.of("unet-bn", 8, null),
                Arguments.of("unet-plus", 8, "tc"), Arguments.of("unet-plus", 8, "us"),
                Arguments.of("unet-plusplus", 8, null), Arguments.of("resfcn", null, null),
                Arguments.of("simple-cnn", null, null), Arguments.of("resnet-fcn", null, "18"));
    }

    @ParameterizedTest
    @MethodSource("presets")
    void plannedPassesReleaseActivationsAndComputeTheSame(String preset, Integer base, String up) {
        Map<String, Object> options = new HashMap<>();
        if (base != null) {
            options.put("base", base);
        }
        options.put("in_channels", 1);
        if (preset.equals("resnet-fcn")) {
            options.put("depth", Integer.parseInt(up));
        } else if (up != null) {
            options.put("up", up);
        }
        Module model = Presets.build(preset, options);
        model.initialize(42);
        LayerFusion.forInference(model);
        InferencePlan plan = InferencePlan.of(model);
        assertNotNull(plan, preset + ": forInference attaches a plan");
        Tensor x = Tensor.uniform(3, -1f, 1f, 2, 1, 64, 64);
        try (var g = Autograd.noGrad()) {
            InferencePlan.detach(model);
            float[] want = model.forward(x).toArray();
            InferencePlan.attach(model);
            for (int pass = 0; pass < 2; pass++) {
                CpuBackend.INSTANCE.trimPool();
                assertArrayEquals(want, model.forward(x).toArray(), 0f, preset + ", pass " + pass);
                assertTrue(CpuBackend.INSTANCE.pooledFloats() > 0, preset + ": no activation handed back");
                x.toArray(); // the input is the caller's
            }
            int releases = InferencePlan.of(model).releasesPerPass();
            assertTrue(releases >= 7, preset + ": " + releases + " activations released per pass");
        }
    }
}
