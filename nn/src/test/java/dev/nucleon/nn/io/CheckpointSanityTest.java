package dev.nucleon.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.ModelConfig;
import dev.nucleon.nn.ModelRegistry;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.ParameterBudget;
import dev.nucleon.nn.SyntheticSegmentation;
import dev.nucleon.nn.TinySegNet;
import dev.nucleon.nn.loss.BinaryCrossEntropyWithLogits;
import dev.nucleon.nn.optim.Adam;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: weights are checked when loaded (case 8: finite values, batch-norm running variance ≥ 0; a
 * configuration larger than the file's weights is refused before it is built) and a model loads from a stream
 * (case 13: the bundled model needs no temporary file).
 */
class CheckpointSanityTest {

    @TempDir
    Path dir;

    private static final ModelConfig CONFIG = ModelConfig.of(TinySegNet.NAME, "in", 1, "base", 4, "dropout", 0.2);

    /** The saved model's tensors with {@code name}'s element {@code index} set to {@code value}, and its metadata. */
    private Path withValue(String name, int index, float value) throws IOException {
        Path good = dir.resolve("good.safetensors");
        Checkpoint.save(good, ModelRegistry.build(CONFIG));
        SafeTensorsFile f = SafeTensors.read(good);
        Map<String, Tensor> tensors = new LinkedHashMap<>(f.tensors());
        float[] v = tensors.get(name).toArray();
        v[index] = value;
        tensors.put(name, Tensor.of(v, tensors.get(name).shape()));
        Path bad = dir.resolve(name + "-" + value + ".safetensors");
        SafeTensors.write(bad, tensors, f.metadata());
        return bad;
    }

    private static void assertOneLine(String message) {
        assertFalse(message.contains("\n"), message);
    }

    @Test
    void nanOrInfiniteWeightsAreRefusedNamingTheFileAndTheTensor() throws IOException {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Path p = withValue("mid.0.weight", 5, bad);
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(p));
            assertTrue(e.getMessage().startsWith(p + ": tensor 'mid.0.weight' holds 1 NaN or infinite value of 288 (first "
                    + bad + " at index 5)"), e.getMessage());
            assertOneLine(e.getMessage());
            Module net = new TinySegNet(1, 4, 0.2f);
            float[] before = net.stateDict().get("mid.0.weight").toArray();
            assertThrows(CheckpointException.class, () -> Checkpoint.loadWeights(p, net, true));
            assertArrayEquals(before, net.stateDict().get("mid.0.weight").toArray(), "left unchanged");
        }
    }

    @Test
    void negativeRunningVarianceIsRefusedAndZeroIsAccepted() throws IOException {
        Path p = withValue("enc.1.running_var", 2, -0.25f);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(p));
        assertEquals(p + ": tensor 'enc.1.running_var' holds 1 negative value of 4 (first -0.25 at index 2); a batch-norm"
                + " running variance is never negative", e.getMessage());
        assertThrows(CheckpointException.class, () -> Checkpoint.loadWeights(p, new TinySegNet(1, 4, 0f), false));
        // a negative mean or weight is fine; a zero variance is a constant channel
        Checkpoint.load(withValue("enc.1.running_mean", 2, -0.25f));
        Checkpoint.load(withValue("enc.1.running_var", 2, 0f));
    }

    @Test
    void nanOptimizerStateIsRefused() throws IOException {
        Module net = ModelRegistry.build(CONFIG);
        Adam adam = new Adam(net, 0.01);
        SyntheticSegmentation data = new SyntheticSegmentation(2, 8, 11);
        net.train();
        adam.zeroGrad();
        new BinaryCrossEntropyWithLogits().compute(net.forward(data.images), data.masks).backward();
        adam.step(); // now it has moments
        Path p = dir.resolve("adam.safetensors");
        Checkpoint.saveOptimizer(p, adam, Map.of());
        SafeTensorsFile f = SafeTensors.read(p);
        Map<String, Tensor> state = new LinkedHashMap<>(f.tensors());
        assertFalse(state.isEmpty());
        Checkpoint.loadOptimizer(p, adam); // as saved: fine
        String name = state.keySet().iterator().next();
        float[] v = state.get(name).toArray();
        v[0] = Float.NaN;
        state.put(name, Tensor.of(v, state.get(name).shape()));
        SafeTensors.write(p, state, f.metadata());
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.loadOptimizer(p, adam));
        assertTrue(e.getMessage().startsWith(p + ": tensor '" + name + "' holds 1 NaN"), e.getMessage());
    }

    /**
     * A configuration of {@code base=4096} in a file of {@code base=4} weights (781 values): TinySegNet would hold
     * about 740 million values (2.8 GB); the load is refused having allocated a few megabytes.
     */
    @Test
    void aConfigurationLargerThanTheWeightsIsRefusedBeforeItIsBuilt() throws IOException {
        Path good = dir.resolve("small.safetensors");
        Checkpoint.save(good, ModelRegistry.build(CONFIG));
        SafeTensorsFile f = SafeTensors.read(good);
        Map<String, String> meta = new LinkedHashMap<>(f.metadata());
        meta.put(Checkpoint.CONFIG_KEY, Checkpoint.encodeConfig(CONFIG.with("base", 4096)));
        Path huge = dir.resolve("huge-config.safetensors");
        SafeTensors.write(huge, f.tensors(), meta);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId(), before = threads.getThreadAllocatedBytes(id);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(huge));
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 64L << 20, "allocated " + allocated + " bytes before refusing");
        assertTrue(e.getMessage().startsWith(huge + ": its configuration {\"builder\":\"tiny-segnet\",\"args\":{\"in\":\"1\","
                + "\"base\":\"4096\",\"dropout\":\"0.2\"}} describes a network of more than "), e.getMessage());
        assertTrue(e.getMessage().contains("(1.1 GB as float32), but the file's tensors hold 781 (3.1 kB as float32);"
                + " the configuration and the weights disagree"), e.getMessage());
        assertOneLine(e.getMessage());
        assertEquals(CONFIG, Checkpoint.load(good).config(), "the matching configuration still loads");
    }

    @Test
    void parameterBudgetCapsBuildsOnThisThreadOnly() {
        long whole = ModelRegistry.build(CONFIG).parameterCount().total();
        Module net = ParameterBudget.limit(whole, () -> ModelRegistry.build(CONFIG));
        assertEquals(whole, net.parameterCount().total(), "exactly the budget is enough");
        ParameterBudget.Exceeded e = assertThrows(ParameterBudget.Exceeded.class,
                () -> ParameterBudget.limit(whole - 1, () -> ModelRegistry.build(CONFIG)));
        assertEquals(whole - 1, e.cap());
        assertTrue(e.reached() > whole - 1 && e.reached() <= whole, "stopped at " + e.reached());
        ModelRegistry.build(CONFIG.with("base", 64)); // no budget outside limit()
    }

    @Test
    void aModelLoadsFromAStreamAsFromItsFile() throws IOException {
        Module net = ModelRegistry.build(CONFIG);
        Path p = dir.resolve("m.safetensors");
        Checkpoint.save(p, net, Map.of("epoch", "2"));
        byte[] bytes = Files.readAllBytes(p);
        Module fromFile = Checkpoint.load(p);
        Module fromStream;
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            fromStream = Checkpoint.load(in, "classpath:/m.safetensors");
        }
        assertEquals(CONFIG, fromStream.config());
        fromFile.stateDict().forEach((k, v) -> assertArrayEquals(v.toArray(), fromStream.stateDict().get(k).toArray(), k));
        SafeTensorsFile f = SafeTensors.read(new ByteArrayInputStream(bytes), "mem");
        assertEquals("2", f.metadata().get("epoch"));
        assertEquals(null, f.path());
        assertEquals("mem", f.source());

        // the stream reader refuses what the file reader refuses, with the same message after the name
        for (int cut : new int[] {5, 20, bytes.length - 3}) {
            Path t = dir.resolve("cut" + cut + ".safetensors");
            Files.write(t, Arrays.copyOf(bytes, cut));
            String fileMessage = assertThrows(CheckpointException.class, () -> SafeTensors.read(t)).getMessage();
            String streamMessage = assertThrows(CheckpointException.class,
                    () -> SafeTensors.read(new ByteArrayInputStream(Arrays.copyOf(bytes, cut)), t.toString())).getMessage();
            assertEquals(fileMessage, streamMessage);
        }
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 4);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoint.load(new ByteArrayInputStream(longer), "classpath:/x"));
        assertTrue(e.getMessage().startsWith("classpath:/x: 4 bytes follow the last tensor"), e.getMessage());
    }
}
