package dev.nucleon.segmentation.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.ModelRegistry;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.ParameterCount;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.nn.layers.ConvTranspose2d;
import dev.nucleon.nn.layers.Dropout;
import dev.nucleon.nn.layers.ELU;
import dev.nucleon.nn.layers.ReLU;
import dev.nucleon.nn.layers.Sequential;
import dev.nucleon.nn.layers.Softmax;
import dev.nucleon.nn.layers.Upsample;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the presets are wired: activation plans, dropout, up-sampling, heads, stage shapes, checkpoints. */
@SuppressWarnings("try") // no-grad scopes are used only for their effect
class NetworkStructureTest {

    private static Module at(Module net, String name) {
        return net.namedModules().get(name);
    }

    private static List<Class<?>> types(Module net, String name) {
        Sequential s = (Sequential) at(net, name);
        List<Class<?>> out = new java.util.ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            out.add(s.get(i).getClass());
        }
        return out;
    }

    @Test
    void paper000ActivationPlansAndDropout() {
        Module carving = Presets.build("unet-carving");
        Module elu = Presets.build("unet-elu");
        Module relu = Presets.build("unet-relu");
        float[] rates = {0.1f, 0.1f, 0.2f, 0.2f, 0.3f};
        for (int level = 1; level <= 5; level++) {
            // conv, activation, dropout, conv, activation
            assertEquals(List.of(dev.nucleon.nn.layers.Conv2d.class, ELU.class, Dropout.class,
                    dev.nucleon.nn.layers.Conv2d.class, ReLU.class), types(carving, "enc" + level), "carving enc" + level);
            assertEquals(rates[level - 1], ((Dropout) ((Sequential) at(carving, "enc" + level)).get(2)).probability());
            assertInstanceOf(ELU.class, ((Sequential) at(elu, "enc" + level)).get(4));
            assertInstanceOf(ReLU.class, ((Sequential) at(relu, "enc" + level)).get(1));
        }
        for (int level = 1; level <= 4; level++) {
            assertEquals(List.of(dev.nucleon.nn.layers.Conv2d.class, ReLU.class, Dropout.class,
                    dev.nucleon.nn.layers.Conv2d.class, ReLU.class), types(carving, "dec" + level), "carving dec" + level);
            assertEquals(rates[level - 1], ((Dropout) ((Sequential) at(carving, "dec" + level)).get(2)).probability());
            assertInstanceOf(ELU.class, ((Sequential) at(elu, "dec" + level)).get(1));
            assertInstanceOf(ConvTranspose2d.class, at(carving, "up" + level));
        }
        UNetConfig c = ((UNet) carving).unetConfig();
        assertEquals(Activation.ELU, c.encoderActivation(5, 1));
        assertEquals(Activation.RELU, c.encoderActivation(5, 2));
        assertEquals(Activation.RELU, c.decoderActivation(1, 1));
        assertEquals("he_normal", carving.namedParameters().get("enc1.0.weight").initializer().toString());
    }

    @Test
    void paper004UNetIsTheKerasReferenceCode() {
        Module net = Presets.build("unet");
        // dropout 0.5 after the two deepest encoder levels only
        assertEquals(Dropout.class, types(net, "enc4").get(4));
        assertEquals(0.5f, ((Dropout) ((Sequential) at(net, "enc5")).get(4)).probability());
        assertEquals(4, types(net, "enc3").size());
        assertEquals(4, types(net, "dec4").size());
        // nearest ×2, 2×2 conv, ReLU
        assertEquals(List.of(Upsample.class, dev.nucleon.nn.layers.Conv2d.class, ReLU.class), types(net, "up4"));
        assertEquals(2, ((dev.nucleon.nn.layers.Conv2d) ((Sequential) at(net, "up4")).get(1)).kernel());
        // head: 3×3 conv to 2 + ReLU, 1×1 conv to 1 + sigmoid
        assertEquals(4, types(net, "head").size());
        assertEquals(3, ((dev.nucleon.nn.layers.Conv2d) ((Sequential) at(net, "head")).get(0)).kernel());
    }

    @Test
    void upSamplingModesAndTheirWeights() {
        UNetConfig.Builder b = UNetConfig.builder().inChannels(1).base(4).depth(3);
        long tc = new UNet(b.upMode(UpMode.TRANSPOSED).build()).parameterCount().total();
        long nc = new UNet(b.upMode(UpMode.NEAREST_CONV).build()).parameterCount().total();
        long nn = new UNet(b.upMode(UpMode.NEAREST).build()).parameterCount().total();
        assertEquals(tc, nc, "a 2×2 transposed conv and a 2×2 conv after nearest ×2 have the same weights");
        // nearest only: no up weights (4·16·8 + 8 and 4·8·4 + 4) but the decoder's first convs see 16 + 8 and 8 + 4
        long upWeights = 4 * 16 * 8 + 8 + 4 * 8 * 4 + 4;
        long extra = 9L * (16 - 8) * 8 + 9L * (8 - 4) * 4;
        assertEquals(tc - upWeights + extra, nn);
        Tensor y = new UNet(b.upMode(UpMode.NEAREST).build()).forward(Tensor.ones(1, 1, 8, 8));
        assertArrayEquals(new int[] {1, 1, 8, 8}, y.shape());
        assertEquals(UpMode.NEAREST, UpMode.parse("us"));
        assertEquals(UpMode.TRANSPOSED, UpMode.parse("T.C."));
        assertThrows(IllegalArgumentException.class, () -> UpMode.parse("bicubic"));
    }

    @Test
    void configBuilderOptionsAndChecks() {
        UNetConfig c = UNetConfig.builder().inChannels(3).base(8).depth(4).batchNorm(true)
                .encoderActivations(Activation.ELU, Activation.RELU).encoderLevel(2, Activation.RELU, Activation.ELU)
                .decoderLevel(3, Activation.ELU, Activation.ELU).dropout(0f, 0.1f, 0.2f, 0.3f)
                .output(4, Output.SOFTMAX).build();
        assertEquals(Activation.RELU, c.encoderActivation(2, 1));
        assertEquals(Activation.ELU, c.encoderActivation(3, 1));
        assertEquals(Activation.ELU, c.decoderActivation(3, 2));
        assertEquals(Activation.RELU, c.decoderActivation(2, 2));
        assertEquals(64, c.filters(4));
        assertEquals(8, c.sizeMultiple());
        assertEquals(c.toString(), c.toBuilder().build().toString());
        UNet net = new UNet(c);
        assertInstanceOf(Softmax.class, ((Sequential) at(net, "head")).get(1));
        Tensor y = net.forward(Tensor.uniform(1, 0, 1, 2, 3, 16, 16));
        assertArrayEquals(new int[] {2, 4, 16, 16}, y.shape());
        // batch norm after every 3×3 conv: 2 × (8 + 16 + 32 + 64) encoder + 2 × (8 + 16 + 32) decoder channels
        assertEquals(2L * 2 * (8 + 16 + 32 + 64 + 8 + 16 + 32), net.parameterCount().nonTrainable());

        assertThrows(IllegalArgumentException.class, () -> UNetConfig.builder().dropout(0.1f).build());
        assertThrows(IllegalArgumentException.class, () -> UNetConfig.builder().dropout(1f, 0, 0, 0, 0).build());
        assertThrows(IllegalArgumentException.class, () -> UNetConfig.builder().base(0).build());
        assertThrows(IllegalArgumentException.class, () -> UNetConfig.builder().depth(3).encoderLevel(4,
                Activation.ELU, Activation.ELU).build());
        assertThrows(IllegalArgumentException.class, () -> UNetConfig.builder().depth(3).decoderLevel(3,
                Activation.ELU, Activation.ELU).build());
        assertThrows(IllegalArgumentException.class, () -> Presets.build("unet", Map.of("up", "us")));
        assertThrows(IllegalArgumentException.class, () -> Presets.build("unet-plus", Map.of("up", "nearest-conv")));
        assertEquals(Activation.ELU, Activation.parse(" Elu "));
        assertEquals(Output.SOFTMAX, Output.parse("softmax"));
    }

    /** Paper 003's Tables 1–2 scaled by 1/4: a 64×64×3 input; every spatial size is the table's / 4. */
    @Test
    void resFcnStageShapesFollowTables1And2() {
        ResFcn net = new ResFcn();
        Map<String, Tensor> f;
        try (var scope = Autograd.noGrad()) {
            net.eval();
            f = net.features(Tensor.uniform(3, 0, 1, 1, 3, 64, 64));
        }
        assertEquals(List.of(ResFcn.STAGES), List.copyOf(f.keySet()));
        Map<String, int[]> table = ResFcnTables.shapes(256);
        table.forEach((stage, hwc) -> {
            int[] s = f.get(stage).shape();
            assertArrayEquals(new int[] {1, hwc[2], hwc[0] / 4, hwc[1] / 4}, s, stage);
        });
    }

    @Test
    void checkpointsRebuildEveryPresetFromTheFile(@TempDir Path dir) throws IOException {
        assertTrue(ModelRegistry.names().containsAll(Presets.names()), "presets found through the Presets catalog service: "
                + ModelRegistry.names());
        Module net = Presets.build("unet-plus", Map.of("base", 4, "up", "us"));
        Tensor x = Tensor.uniform(5, 0, 1, 2, 1, 16, 16);
        // one training-mode pass moves the batch-norm statistics away from their initial values
        net.train().forward(x);
        net.eval();
        float[] before = net.forward(x).toArray();
        Path file = dir.resolve("unet-plus.safetensors");
        Checkpoint.save(file, net);
        Module loaded = Checkpoint.load(file);
        assertInstanceOf(UNetPlus.class, loaded);
        assertEquals(UpMode.NEAREST, ((UNetPlus) loaded).upMode());
        assertEquals(net.config(), loaded.config());
        assertEquals(new ParameterCount(net.parameterCount().trainable(), net.parameterCount().nonTrainable()),
                loaded.parameterCount());
        assertArrayEquals(before, loaded.forward(x).toArray(), 0f);
        // and through the registry alone, for every preset (small options where the preset allows them)
        for (String name : Presets.names()) {
            Map<String, Object> small = switch (name) {
                case "resnet-fcn", "mask-rcnn" -> Map.of("depth", 18);
                case "resfcn", "simple-cnn" -> Map.of();
                default -> Map.of("base", 2);
            };
            Module m = ModelRegistry.build(Presets.config(name, small));
            assertEquals(name, m.config().builder());
            assertEquals(Presets.build(name, small).parameterCount(), m.parameterCount(), name);
        }
    }
}
