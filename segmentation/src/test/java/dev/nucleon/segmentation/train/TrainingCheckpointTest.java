package dev.nucleon.segmentation.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.nn.io.SafeTensors;
import dev.nucleon.nn.optim.Adam;
import dev.nucleon.nn.optim.Optimizer;
import dev.nucleon.segmentation.loss.BceLogDiceLoss;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-of-epoch state as one generation: a failure before any write of a commit (the fault hook standing for
 * a kill) leaves a resume loading weights, optimiser state, history and epoch of one and the same epoch, and the
 * best model is never replaced by a worse one. Epochs here are single optimiser steps of a tiny U-Net.
 */
class TrainingCheckpointTest {
    /** Every write of a commit, in order; a failure before "publish" keeps the previous generation. */
    static final List<String> STEPS = List.of("best", "last", "optimizer", "history", "curves", "publish",
            "export-best", "export-last", "export-optimizer", "export-history", "export-curves", "prune");

    /** A network, its optimiser, and the state (weights, step count) after each epoch, by epoch. */
    private static final class Run {
        final Module net = TrainerTest.tiny();
        final Optimizer optimizer = new Adam(net, 1e-2);
        final List<EpochRecord> history = new ArrayList<>();
        final Map<Integer, Map<String, Tensor>> weights = new HashMap<>();
        double best = Double.NaN;
        int bestEpoch;

        /** One optimiser step on a random batch, then the epoch's state handed to the checkpoint. */
        void epoch(TrainingCheckpoint c, int epoch, double score) throws IOException {
            Random r = new Random(epoch);
            float[] x = new float[2 * 32 * 32], y = new float[2 * 32 * 32];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat();
                y[i] = x[i] > 0.5f ? 1 : 0;
            }
            net.train();
            optimizer.zeroGrad();
            Tensor l = new BceLogDiceLoss().compute(net.forward(Tensor.of(x, 2, 1, 32, 32)), Tensor.of(y, 2, 1, 32, 32));
            l.backward();
            optimizer.step();
            weights.put(epoch, net.stateDictCopy());
            history.add(new EpochRecord(epoch, l.item(), score, score, Double.NaN, 1e-2, 10, 1));
            boolean improved = Double.isNaN(best) || score > best;
            if (improved) {
                best = score;
                bestEpoch = epoch;
            }
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put(TrainingCheckpoint.EPOCH_KEY, Integer.toString(epoch));
            meta.put("trainer.metric", Double.toString(score));
            c.commit(new TrainingCheckpoint.EpochState(epoch, improved, net, meta, optimizer,
                    Map.of(TrainingCheckpoint.EPOCH_KEY, Integer.toString(epoch)), List.copyOf(history), bestEpoch, best));
        }
    }

    private static void assertWeights(Map<String, Tensor> expected, Module actual, String what) {
        Map<String, Tensor> a = actual.stateDict();
        for (String k : expected.keySet()) {
            assertArrayEquals(expected.get(k).toArray(), a.get(k).toArray(), 0f, what + ": " + k);
        }
    }

    private static long generations(TrainingCheckpoint c) throws IOException {
        try (Stream<Path> s = Files.list(c.runFolder())) {
            return s.filter(p -> p.getFileName().toString().startsWith("gen-")).count();
        }
    }

    @Test
    void aFailureBeforeAnyWriteOfAnEpochResumesOneConsistentEpochAndKeepsTheBestModel(@TempDir Path dir)
            throws IOException {
        for (boolean improves : new boolean[] {true, false}) {
            for (String failAt : STEPS) {
                if (!improves && failAt.equals("export-best")) {
                    continue; // the best model is exported only when an epoch improved it
                }
                String what = "failure before '" + failAt + "', epoch 3 " + (improves ? "better" : "worse");
                Path model = dir.resolve(failAt + "-" + improves + "/model.safetensors");
                TrainingCheckpoint c = TrainingCheckpoint.of(model);
                Run run = new Run();
                run.epoch(c, 1, 0.5);
                run.epoch(c, 2, 0.6);
                c.faultHook(step -> {
                    if (step.equals(failAt)) {
                        throw new UncheckedIOException(new IOException("injected failure before " + step));
                    }
                });
                assertThrows(UncheckedIOException.class, () -> run.epoch(c, 3, improves ? 0.7 : 0.4), what);

                Module net = TrainerTest.tiny();
                Optimizer optimizer = new Adam(net, 1e-2);
                TrainingCheckpoint.Restored r = TrainingCheckpoint.of(model).restore(net, optimizer);
                int expected = STEPS.indexOf(failAt) < STEPS.indexOf("publish") || failAt.equals("publish") ? 2 : 3;
                assertEquals(expected, r.epoch(), what);
                assertEquals(expected, r.history().size(), what);
                assertEquals(expected, r.history().get(expected - 1).epoch(), what);
                assertEquals(expected, optimizer.stepCount(), what + ": optimiser steps");
                assertWeights(run.weights.get(expected), net, what + ", last weights");
                // the files beside the model agree with the resumed epoch
                Trainer.Files f = Trainer.Files.of(model);
                assertEquals(Integer.toString(expected), SafeTensors.read(f.last()).metadata().get(TrainingCheckpoint.EPOCH_KEY), what);
                assertEquals(Integer.toString(expected), SafeTensors.read(f.optimizer()).metadata().get(TrainingCheckpoint.EPOCH_KEY), what);
                assertEquals(expected, TrainingHistory.read(f.history()).size(), what);
                // the best model is the best epoch of the resumed history, never a worse one
                int bestEpoch = expected == 3 && improves ? 3 : 2;
                assertEquals(Integer.toString(bestEpoch), SafeTensors.read(f.model()).metadata().get(TrainingCheckpoint.EPOCH_KEY),
                        what + ": best model");
                assertWeights(run.weights.get(bestEpoch), Checkpoint.load(f.model()), what + ", best model");
                assertTrue(generations(c) <= 3, what + ": " + generations(c) + " generations");
            }
        }
    }

    @Test
    void oldGenerationsArePrunedAndTheBestIsCarriedOver(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("model.safetensors");
        TrainingCheckpoint c = TrainingCheckpoint.of(model);
        Run run = new Run();
        run.epoch(c, 1, 0.5);
        run.epoch(c, 2, 0.8);
        byte[] best = Files.readAllBytes(model);
        for (int e = 3; e <= 5; e++) {
            run.epoch(c, e, 0.1 * e);
            assertEquals(2, generations(c), "the current generation and the one before");
        }
        assertArrayEquals(best, Files.readAllBytes(model), "epochs 3-5 did not beat epoch 2");
        assertTrue(Files.readString(c.runFolder().resolve(TrainingCheckpoint.MANIFEST)).contains("epoch=5\n"));
        assertEquals(List.of(model, c.files().last(), c.files().optimizer(), c.files().history(), c.files().curves(),
                c.runFolder()), c.existing());
        assertTrue(c.existingRunMessage().contains("--resume") && c.existingRunMessage().contains("--overwrite"));
    }

    @Test
    void aLegacyRunWithoutGenerationsResumesAndItsEpochsMustAgree(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("old.safetensors");
        Trainer.Files f = Trainer.Files.of(model);
        Run run = new Run();
        TrainingCheckpoint c = TrainingCheckpoint.of(model);
        run.epoch(c, 1, 0.5);
        run.epoch(c, 2, 0.4);
        deleteTree(c.runFolder()); // what a run before generations left: only the files beside the model
        byte[] best = Files.readAllBytes(model);

        Module net = TrainerTest.tiny();
        Optimizer optimizer = new Adam(net, 1e-2);
        TrainingCheckpoint legacy = TrainingCheckpoint.of(model);
        assertTrue(legacy.resumable());
        assertEquals(f.last(), legacy.resumeWeights());
        TrainingCheckpoint.Restored r = legacy.restore(net, optimizer);
        assertEquals(2, r.epoch());
        assertEquals(2, optimizer.stepCount());
        assertWeights(run.weights.get(2), net, "legacy last weights");
        // the first generation after it carries the legacy best model over when the epoch does not beat it
        Map<String, String> meta = Map.of(TrainingCheckpoint.EPOCH_KEY, "3", "trainer.metric", "0.3");
        List<EpochRecord> rows = new ArrayList<>(r.history());
        rows.add(new EpochRecord(3, 1, 0.3, 0.3, Double.NaN, 1e-2, 10, 1));
        legacy.commit(new TrainingCheckpoint.EpochState(3, false, net, meta, optimizer, meta, rows, 1, 0.5));
        assertArrayEquals(best, Files.readAllBytes(model));
        assertArrayEquals(best, Files.readAllBytes(legacy.runFolder().resolve("gen-000001/best.safetensors")));
        assertTrue(legacy.resumeWeights().startsWith(legacy.runFolder()));

        // epoch-2 weights beside epoch-1 optimiser state: refused, not silently mixed
        Path other = dir.resolve("mixed.safetensors");
        Trainer.Files g = Trainer.Files.of(other);
        Run second = new Run();
        TrainingCheckpoint c2 = TrainingCheckpoint.of(other);
        second.epoch(c2, 1, 0.5);
        Path epoch1Optimizer = Files.copy(g.optimizer(), dir.resolve("optimizer-1.safetensors"));
        second.epoch(c2, 2, 0.6);
        deleteTree(c2.runFolder());
        Files.copy(epoch1Optimizer, g.optimizer(), StandardCopyOption.REPLACE_EXISTING);
        IOException e = assertThrows(IOException.class, () -> TrainingCheckpoint.of(other).restore(TrainerTest.tiny(),
                new Adam(TrainerTest.tiny(), 1e-2)));
        assertTrue(e.getMessage().contains(g.last().toString()) && e.getMessage().contains("epoch 2")
                && e.getMessage().contains("epoch 1"), e.getMessage());
        // epoch-2 weights and optimiser state beside a history that lost epoch 2's row: refused too
        Files.copy(dir.resolve("optimizer-1.safetensors"), g.optimizer(), StandardCopyOption.REPLACE_EXISTING);
        Checkpoint.save(g.last(), second.net, Map.of(TrainingCheckpoint.EPOCH_KEY, "1"));
        TrainingHistory.write(g.history(), second.history.subList(0, 0));
        IOException lost = assertThrows(IOException.class, () -> TrainingCheckpoint.of(other).restore(TrainerTest.tiny(),
                new Adam(TrainerTest.tiny(), 1e-2)));
        assertTrue(lost.getMessage().contains(g.history().toString()) && lost.getMessage().contains("0 rows"),
                lost.getMessage());
    }

    @Test
    void theRepositoryRunsStayResumable(@TempDir Path dir) throws IOException {
        Path committed = Path.of("..", "docs", "bundled-model", "distance").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isRegularFile(committed.resolve("distance.optimizer.safetensors")),
                "no docs/bundled-model/distance here");
        for (String name : List.of("distance.safetensors", "distance.last.safetensors", "distance.optimizer.safetensors",
                "distance.history.csv")) {
            Files.copy(committed.resolve(name), dir.resolve(name));
        }
        TrainingCheckpoint c = TrainingCheckpoint.of(dir.resolve("distance.safetensors"));
        Module net = Checkpoint.load(c.resumeWeights());
        Optimizer optimizer = TrainerConfig.defaults().createOptimizer(net);
        TrainingCheckpoint.Restored r = c.restore(net, optimizer);
        int epochs; // the committed run's length (62 epochs as of the kind-balanced chunks)
        try (var lines = Files.lines(committed.resolve("distance.history.csv"))) {
            epochs = (int) lines.count() - 1;
        }
        assertTrue(epochs >= 25, "epochs " + epochs);
        assertEquals(epochs, r.epoch());
        assertEquals(epochs, r.history().size());
        assertEquals(128L * epochs, optimizer.stepCount()); // 1,024 patches an epoch in batches of 8
    }

    @Test
    void aModelPathThatIsAFolderOrUnderAFileIsRefused(@TempDir Path dir) throws IOException {
        IllegalArgumentException folder = assertThrows(IllegalArgumentException.class,
                () -> TrainingCheckpoint.of(dir).checkWritable());
        assertTrue(folder.getMessage().contains(dir.toString()) && folder.getMessage().contains("is a directory"));
        Path file = Files.writeString(dir.resolve("file"), "x");
        IOException under = assertThrows(IOException.class,
                () -> TrainingCheckpoint.of(file.resolve("m.safetensors")).checkWritable());
        assertTrue(under.getMessage().startsWith(file.toString()), under.getMessage());
        TrainingCheckpoint.of(dir.resolve("new/sub/m.safetensors")).checkWritable();
        try (Stream<Path> s = Files.list(dir.resolve("new/sub"))) {
            assertEquals(0, s.count(), "the probe file is removed");
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
