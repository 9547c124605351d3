package dev.nucleon.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nucleon.segmentation.networks.Presets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

/** The {@code model} parameter: parsing, and the benchmarks' lists covering every preset. */
class ModelSpecTest {

    private static final List<String> ALL = Arrays.stream(ModelSpec.ALL.split(",")).map(String::trim).toList();

    @Test
    void parsesPresetAndOptionalBase() {
        assertEquals(new ModelSpec("unet", 16), ModelSpec.parse("unet:16"));
        ModelSpec us = ModelSpec.parse("unet-plus:8:us");
        assertEquals(new ModelSpec("unet-plus", 8, "us"), us);
        assertEquals("unet-plus:8:us", us.toString());
        assertEquals(434_721L, us.build(1).parameterCount().total(),
                "paper 004's U-Net+ U.S. at B = 8 (0.435M)");
        ModelSpec resnet = ModelSpec.parse("resnet-fcn");
        assertEquals("resnet-fcn", resnet.preset());
        assertNull(resnet.base());
        assertEquals("unet-plus:8", ModelSpec.parse("unet-plus:8").toString());
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("unet:x"));
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("no-such-preset"));
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("resfcn:8").config(), "resfcn takes no base");
    }

    @Test
    void benchmarksListEveryPresetAsModelSpecAll() throws Exception {
        for (Class<?> benchmark : List.of(InferenceBenchmark.class, TrainingStepBenchmark.class)) {
            List<String> values = List.of(benchmark.getField("model").getAnnotation(Param.class).value());
            assertEquals(ALL, values, benchmark.getSimpleName() + "'s @Param model");
        }
        Set<String> presets = ALL.stream().map(m -> ModelSpec.parse(m).preset()).collect(Collectors.toSet());
        Set<String> perPixel = new java.util.LinkedHashSet<>(Presets.names());
        perPixel.remove(Presets.MASK_RCNN); // a detector: its benchmark comes with its training (issue 21, item 3)
        assertEquals(perPixel, presets, "every per-pixel preset is benchmarked");
        ALL.forEach(m -> ModelSpec.parse(m).config());
    }

    @Test
    void trainingLossFollowsThePaper() {
        assertEquals("bce-log-dice", ModelSpec.parse("unet:8").trainingLossName());
        assertEquals("bce-dice", ModelSpec.parse("resfcn").trainingLossName());
        assertEquals("bce", ModelSpec.parse("unet-relu").trainingLossName());
    }
}
