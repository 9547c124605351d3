package dev.nucleon.nn.io;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.ModelConfig;
import dev.nucleon.nn.ModelRegistry;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.SyntheticSegmentation;
import dev.nucleon.nn.TinySegNet;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.Sequential;
import dev.nucleon.nn.loss.BinaryCrossEntropyWithLogits;
import dev.nucleon.nn.loss.Loss;
import dev.nucleon.nn.optim.Adam;
import dev.nucleon.nn.optim.Optimizer;
import dev.nucleon.nn.optim.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {

    @TempDir
    Path dir;

    private static final ModelConfig CONFIG = ModelConfig.of(TinySegNet.NAME, "in", 1, "base", 4, "dropout", 0.2);

    private static int[] bits(Tensor t) {
        float[] v = t.toArray();
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    /** A few training steps so weights and batch-norm statistics differ from their initial values. */
    private static void train(Module net, Optimizer opt, SyntheticSegmentation data, int steps) {
        Loss loss = new BinaryCrossEntropyWithLogits();
        net.train();
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            loss.compute(net.forward(data.images), data.masks).backward();
            opt.step();
        }
    }

    @SuppressWarnings("try")
    private static Tensor infer(Module net, Tensor x) {
        try (var s = Autograd.noGrad()) {
            return net.forward(x);
        }
    }

    @Test
    void registryFindsServiceBuildersAndRecordsTheConfig() {
        assertTrue(ModelRegistry.names().contains(TinySegNet.NAME), "found through META-INF/services");
        Module net = ModelRegistry.build(CONFIG);
        assertTrue(net instanceof TinySegNet);
        assertEquals(CONFIG, net.config());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelRegistry.build(ModelConfig.of("no-such-net")));
        assertTrue(e.getMessage().contains("no builder named 'no-such-net'") && e.getMessage().contains(TinySegNet.NAME),
                e.getMessage());
        ModelRegistry.register("pair-of-convs", c -> new Sequential(new Conv2d(c.getInt("in"), 2, 1), new Conv2d(2, 1, 1)));
        assertEquals(6 + 3, ModelRegistry.build(ModelConfig.of("pair-of-convs", "in", 2)).parameterCount().total());
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.of("x", "in", "two").getInt("in"));
    }

    @Test
    void configEncodesAsJsonAndDecodesHandWrittenVariants() {
        String json = Checkpoint.encodeConfig(CONFIG);
        assertEquals("{\"builder\":\"tiny-segnet\",\"args\":{\"in\":\"1\",\"base\":\"4\",\"dropout\":\"0.2\"}}", json);
        assertEquals(CONFIG, Checkpoint.decodeConfig(json));
        ModelConfig hand = Checkpoint.decodeConfig("{\"builder\": \"tiny-segnet\", \"args\": {\"base\": 8, \"bn\": true}}");
        assertEquals(8, hand.getInt("base"));
        assertTrue(hand.getBoolean("bn"));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.decodeConfig("{\"args\":{}}"));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.decodeConfig("{\"builder\":\"x\",\"version\":2}"));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.decodeConfig("{\"builder\":\"x\",\"args\":{\"a\":[1]}}"));
    }

    @Test
    void saveThenLoadRebuildsTheNetworkWithBitIdenticalOutputs() throws IOException {
        SyntheticSegmentation data = new SyntheticSegmentation(2, 8, 11);
        Module net = ModelRegistry.build(CONFIG);
        train(net, new Adam(net, 0.01), data, 3);
        net.eval();
        Tensor before = infer(net, data.images);
        Path p = dir.resolve("tiny.safetensors");
        Checkpoint.save(p, net, Map.of("epoch", "3"));

        Module loaded = Checkpoint.load(p);
        assertTrue(loaded instanceof TinySegNet);
        assertFalse(loaded.isTraining(), "loaded in inference mode");
        assertEquals(CONFIG, loaded.config());
        assertArrayEquals(bits(before), bits(infer(loaded, data.images)), "bit for bit");
        net.stateDict().forEach((k, v) -> assertArrayEquals(bits(v), bits(loaded.stateDict().get(k)), k));

        SafeTensorsFile f = SafeTensors.read(p);
        assertEquals("pt", f.metadata().get("format"));
        assertEquals("3", f.metadata().get("epoch"));
        assertEquals(Checkpoint.encodeConfig(CONFIG), f.metadata().get(Checkpoint.CONFIG_KEY));
        assertEquals(net.stateDict().keySet().stream().sorted().toList(), f.names(), "PyTorch names, sorted");
        assertTrue(f.names().contains("enc.1.running_var"));
        assertEquals(CONFIG, Checkpoint.readConfig(p));
    }

    @Test
    void weightsOnlyFilesAndMismatchesAreExplained() throws IOException {
        Module plain = new TinySegNet(1, 4, 0f); // built by hand: no configuration
        Path p = dir.resolve("weights.safetensors");
        Checkpoint.save(p, plain);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(p));
        assertTrue(e.getMessage().startsWith(p + ": no 'nucleon.config'"), e.getMessage());

        Module same = new TinySegNet(1, 4, 0f);
        Checkpoint.loadWeights(p, same, true);
        plain.stateDict().forEach((k, v) -> assertArrayEquals(bits(v), bits(same.stateDict().get(k)), k));

        Module wider = new TinySegNet(1, 6, 0f);
        e = assertThrows(CheckpointException.class, () -> Checkpoint.loadWeights(p, wider, true));
        assertTrue(e.getMessage().startsWith(p + ": tensor 'dec.0.bias' has shape [4], the network expects [6]")
                || e.getMessage().contains("has shape"), e.getMessage());
        assertTrue(e.getMessage().contains("tensor '"), e.getMessage());

        Module other = new Sequential(new Conv2d(1, 4, 3, 1, 1));
        e = assertThrows(CheckpointException.class, () -> Checkpoint.loadWeights(p, other, true));
        assertTrue(e.getMessage().contains("unexpected") && e.getMessage().contains("missing [0.weight, 0.bias]"),
                e.getMessage());
        Module.LoadResult r = Checkpoint.loadWeights(p, other, false);
        assertEquals(List.of("0.weight", "0.bias"), r.missing());
        assertTrue(r.unexpected().contains("enc.0.weight"));

        Path unknown = dir.resolve("unknown.safetensors");
        Checkpoint.save(unknown, new Conv2d(1, 1, 1).withConfig(ModelConfig.of("lost-builder")));
        e = assertThrows(CheckpointException.class, () -> Checkpoint.load(unknown));
        assertTrue(e.getMessage().contains("no builder named 'lost-builder'"), e.getMessage());
    }

    /** A PyTorch state dict for Conv2d(1, 1, 1) + BatchNorm2d(1), hand-written, with its I64 batch counter. */
    @Test
    void loadsAPyTorchStyleFileIgnoringNumBatchesTracked() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"0.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1],\"data_offsets\":[4,8]},"
                + "\"1.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[12,20]},"
                + "\"1.running_mean\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[20,24]},"
                + "\"1.running_var\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[24,28]},"
                + "\"1.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[28,32]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 32).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).putFloat(0.5f).putFloat(2f).putFloat(-1f).putLong(1000L).putFloat(3f).putFloat(4f)
                .putFloat(10f);
        Path p = dir.resolve("torch.safetensors");
        Files.write(p, b.array());
        Module net = new Sequential(new Conv2d(1, 1, 1), new dev.nucleon.nn.layers.BatchNorm2d(1, 0.1f, 1e-5f)).eval();
        Checkpoint.loadWeights(p, net, true);
        // y = ((2x + 0.5) − 3) / √(4 + 1e-5) · 10 − 1 at x = 1
        assertEquals((2.5 - 3) / Math.sqrt(4 + 1e-5) * 10 - 1, net.forward(Tensor.ones(1, 1, 1, 1)).item(), 1e-5);
    }

    @Test
    void optimizerStateResumesTrainingExactly() throws IOException {
        SyntheticSegmentation data = new SyntheticSegmentation(2, 8, 12);
        ModelConfig noDropout = CONFIG.with("dropout", 0.0);
        Module a = ModelRegistry.build(noDropout);
        Adam optA = new Adam(a, 0.01);
        train(a, optA, data, 3);
        Path model = dir.resolve("resume/model.safetensors");
        Path state = dir.resolve("resume/optimizer.safetensors");
        Checkpoint.save(model, a);
        Checkpoint.saveOptimizer(state, optA, Map.of("epoch", "3"));
        train(a, optA, data, 2); // the uninterrupted run

        Module b = Checkpoint.load(model);
        Adam optB = new Adam(b, 0.5); // its lr is replaced by the saved one
        Map<String, String> meta = Checkpoint.loadOptimizer(state, optB);
        assertEquals("3", meta.get("epoch"));
        assertEquals("Adam", meta.get(Checkpoint.OPTIMIZER_KEY));
        assertEquals("0.9", meta.get("nucleon.optimizer.beta1"));
        assertEquals(3, optB.stepCount());
        assertEquals(0.01, optB.learningRate());
        train(b, optB, data, 2); // the resumed run
        a.stateDict().forEach((k, v) -> assertArrayEquals(bits(v), bits(b.stateDict().get(k)), k));

        SafeTensorsFile f = SafeTensors.read(state);
        assertTrue(f.names().contains("enc.0.weight.exp_avg") && f.names().contains("head.bias.exp_avg_sq"), f.names().toString());

        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoint.loadOptimizer(state, new SGD(b, 0.1)));
        assertTrue(e.getMessage().contains("holds Adam state, the optimiser is SGD"), e.getMessage());
        e = assertThrows(CheckpointException.class, () -> Checkpoint.loadOptimizer(model, new Adam(b)));
        assertTrue(e.getMessage().contains("not an optimiser checkpoint"), e.getMessage());
        Module narrower = new TinySegNet(1, 2, 0f);
        e = assertThrows(CheckpointException.class, () -> Checkpoint.loadOptimizer(state, new Adam(narrower)));
        assertTrue(e.getMessage().contains("state tensor '") && e.getMessage().contains("has shape"), e.getMessage());
    }
}
