package dev.nucleon.segmentation.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.dataset.Dsb2018Dataset;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.dataset.TrainingSample;
import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.preprocess.NetworkInput;
import dev.nucleon.nn.io.SafeTensors;
import dev.nucleon.segmentation.networks.Presets;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short runs of a tiny U-Net (base 4, depth 3) on 64×64 patches of the three test-resource samples. */
class TrainerTest {
    static final Map<String, Object> TINY = Map.of("base", 4, "depth", 3, "in_channels", 1);

    static TrainerConfig config(int epochs) {
        return new TrainerConfig(epochs, 2, 64, 2, 3e-3, "adam", "bce-log-dice", 0, 1, 0.5, 1e-5, 0, 11, 2, 2,
                true, true, 64, "plateau");
    }

    static Module tiny() {
        Initializers.manualSeed(5);
        return Presets.build("unet-bn", TINY);
    }

    static List<NucleiSample> samples() throws IOException {
        return Dsb2018Dataset.open(TestData.resourceDataset()).samples();
    }

    static Trainer.Result fit(TrainerConfig c, Module net, Path model, ByteArrayOutputStream log) throws IOException {
        List<NucleiSample> all = samples();
        return new Trainer(c, new PrintStream(log, true)).inPlaceProgress(false)
                .fit(net, all, List.of(all.get(1)), model);
    }

    @Test
    void writesBestModelHistoryAndCurvesAndIsReproducible(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path model = dir.resolve("a/model.safetensors");
        Trainer.Result r = fit(config(2), tiny(), model, log);
        assertEquals(2, r.history().size());
        Trainer.Files f = Trainer.Files.of(model);
        for (Path p : List.of(f.model(), f.last(), f.optimizer(), f.history(), f.curves())) {
            assertTrue(Files.isRegularFile(p), p + "\n" + log);
        }
        String text = log.toString();
        assertTrue(text.contains("epoch 2/2") && text.contains("patches/s") && text.contains("ETA"), text);
        List<EpochRecord> rows = TrainingHistory.read(f.history());
        assertEquals(2, rows.size());
        assertTrue(Double.isFinite(rows.get(0).validationScore()));
        BufferedImage png = ImageIO.read(f.curves().toFile());
        assertNotNull(png);
        assertTrue(png.getWidth() >= 800);
        // the best model rebuilds from its file alone
        Module loaded = Checkpoint.load(f.model());
        assertEquals("unet-bn", loaded.config().builder());
        // the same seed gives the same run
        Path model2 = dir.resolve("b/model.safetensors");
        Trainer.Result again = fit(config(2), tiny(), model2, new ByteArrayOutputStream());
        for (int i = 0; i < 2; i++) {
            assertEquals(r.history().get(i).trainLoss(), again.history().get(i).trainLoss(), 0.0);
        }
    }

    @Test
    void resumeContinuesWhereTheRunStopped(@TempDir Path dir) throws IOException {
        Path straight = dir.resolve("s/model.safetensors");
        Trainer.Result full = fit(config(2), tiny(), straight, new ByteArrayOutputStream());
        Path split = dir.resolve("r/model.safetensors");
        fit(config(1), tiny(), split, new ByteArrayOutputStream());
        Module net = Checkpoint.load(Trainer.Files.of(split).last());
        List<NucleiSample> all = samples();
        Trainer.Result resumed = new Trainer(config(2), new PrintStream(new ByteArrayOutputStream()))
                .inPlaceProgress(false).resume(net, all, List.of(all.get(1)), split);
        assertEquals(2, resumed.history().size());
        assertEquals(full.history().get(1).trainLoss(), resumed.history().get(1).trainLoss(), 1e-6);
        Map<String, Tensor> a = Checkpoint.load(Trainer.Files.of(straight).last()).stateDict();
        Map<String, Tensor> b = Checkpoint.load(Trainer.Files.of(split).last()).stateDict();
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), 1e-5f, k);
        }
    }

    @Test
    void cosineScheduleAnnealsTheLearningRateAndResumesOnIt(@TempDir Path dir) throws IOException {
        TrainerConfig c = new TrainerConfig(3, 2, 64, 1, 1e-2, "adam", "bce-log-dice", 0, 1, 0.5, 1e-4, 0, 11, 1, 2,
                false, true, 64, "cosine");
        List<NucleiSample> all = samples();
        Trainer.Result r = new Trainer(c, new PrintStream(new ByteArrayOutputStream())).inPlaceProgress(false)
                .fit(tiny(), all, List.of(), dir.resolve("m.safetensors"));
        assertEquals(1e-2, r.history().get(0).learningRate(), 1e-12);
        assertEquals(1e-4 + (1e-2 - 1e-4) * 0.75, r.history().get(1).learningRate(), 1e-9);
        assertEquals(1e-4 + (1e-2 - 1e-4) * 0.25, r.history().get(2).learningRate(), 1e-9);
        assertTrue(Double.isNaN(r.history().get(0).validationScore()), "no validation: scores are NaN");
    }

    @Test
    void targetLeavesASeamBetweenTouchingNuclei() {
        LabelImage l = LabelImage.parse("11220", "11220", "00000");
        float[] sep = Trainer.target(l, true), plain = Trainer.target(l, false);
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0}, sep);
        assertArrayEquals(new float[] {1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0}, plain);
    }

    @Test
    void contourHeadOnRgbInputWithScaleAndColourAugmentationTrainsAndRecordsItsSetup(@TempDir Path dir)
            throws IOException {
        Initializers.manualSeed(5);
        Module net = Presets.build("unet-bn", Map.of("base", 4, "depth", 3, "in_channels", 3, "classes", 2, "output", "sigmoid"));
        List<NucleiSample> all = samples();
        Path model = dir.resolve("contour.safetensors");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.Result r = new Trainer(config(2), new PrintStream(log, true)).inPlaceProgress(false)
                .head(Head.CONTOUR).input(NetworkInput.RGB_NAME).scaleAugmentation(0.5, 2).colourAugment(true)
                .fit(net, all, List.of(all.get(1)), model);
        assertEquals(2, r.history().size());
        assertTrue(Double.isFinite(r.history().get(1).trainLoss()));
        assertTrue(log.toString().contains("median equivalent diameter"), log.toString());
        Map<String, String> meta = SafeTensors.read(model).metadata();
        assertEquals(NetworkInput.RGB_NAME, meta.get(Predictor.META_INPUT));
        assertEquals("contour", meta.get(Predictor.META_HEAD));
        double d = Double.parseDouble(meta.get(Predictor.META_DIAMETER));
        assertTrue(d > 5 && d < 60, "training diameter " + d);
        Predictor p = Predictor.load(model);
        assertEquals(Head.CONTOUR, p.head());
        assertEquals(2, p.diameter(0).probability(all.get(0).readImage()).channels());
        // the same seed gives the same run, augmentation included
        Initializers.manualSeed(5);
        Module again = Presets.build("unet-bn", Map.of("base", 4, "depth", 3, "in_channels", 3, "classes", 2, "output", "sigmoid"));
        Trainer.Result r2 = new Trainer(config(1), new PrintStream(new ByteArrayOutputStream())).inPlaceProgress(false)
                .head(Head.CONTOUR).input(NetworkInput.RGB_NAME).scaleAugmentation(0.5, 2).colourAugment(true)
                .fit(again, all, List.of(), dir.resolve("again.safetensors"));
        assertEquals(r.history().get(0).trainLoss(), r2.history().get(0).trainLoss(), 0.0);
    }

    @Test
    void seamWeightsTrainADistanceHeadAndAreRecordedButNeedATwoMapHead(@TempDir Path dir) throws IOException {
        Initializers.manualSeed(5);
        Module net = Presets.build("unet-bn", Map.of("base", 4, "depth", 3, "in_channels", 1, "classes", 2, "output", "sigmoid"));
        List<NucleiSample> all = samples();
        Path model = dir.resolve("seam.safetensors");
        Trainer.Result r = new Trainer(config(1), new PrintStream(new ByteArrayOutputStream())).inPlaceProgress(false)
                .head(Head.DISTANCE).seamWeight(10f).fit(net, all, List.of(all.get(1)), model);
        assertTrue(Double.isFinite(r.history().get(0).trainLoss()));
        assertEquals("10.0", SafeTensors.read(model).metadata().get("trainer.seamWeight"));
        // the target of touching nuclei carries a third plane: 11 at their seam, 1 far from it
        int[] l = new int[24 * 12]; // two touching 7×7 nuclei
        for (int y = 2; y < 9; y++) {
            for (int x = 1; x < 8; x++) {
                l[y * 24 + x] = 1;
                l[y * 24 + x + 7] = 2;
            }
        }
        LabelImage touching = new LabelImage(24, 12, l);
        float[] t = PatchLoader.target(Head.DISTANCE, touching, true, 10f);
        int plane = touching.width() * touching.height();
        assertEquals(3 * plane, t.length);
        float[] w = java.util.Arrays.copyOfRange(t, 2 * plane, 3 * plane);
        assertArrayEquals(dev.nucleon.segmentation.head.SeamWeights.of(touching, 3, 10f), w);
        assertTrue(w[2 * 24 + 7] == 11f && w[0] == 1f, "11 at the seam, 1 in the far corner");
        assertArrayEquals(Head.DISTANCE.target(touching), java.util.Arrays.copyOf(t, 2 * plane));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(config(1),
                new PrintStream(new ByteArrayOutputStream())).seamWeight(10f).fit(tiny(), all, List.of(),
                dir.resolve("fg.safetensors")));
        assertTrue(e.getMessage().contains("two-map head"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Trainer(config(1), System.out).seamWeight(-1f));
    }

    /** 64×64 patches of the test samples, converted with paper 004's input, as a recipe prepares them. */
    static List<TrainingSample> patches() throws IOException {
        List<TrainingSample> out = new java.util.ArrayList<>();
        for (NucleiSample s : samples()) {
            dev.nucleon.segmentation.image.FloatImage in = NetworkInput.prepare(s.readImage(), NetworkInput.PAPER004_NAME);
            LabelImage labels = s.readLabels();
            for (int k = 0; k < 2; k++) {
                out.add(new TrainingSample(s.id() + "@" + k, in.crop(32 * k, 16, 64, 64), labels.crop(32 * k, 16, 64, 64),
                        dev.nucleon.segmentation.dataset.ImageKind.GRAY));
            }
        }
        return out;
    }

    @Test
    void preparedPatchesTrainWithValidationLossAsTheCheckpointRuleAndResume(@TempDir Path dir) throws IOException {
        List<TrainingSample> all = patches();
        List<TrainingSample> train = all.subList(0, 4), validation = all.subList(4, all.size());
        TrainerConfig c = new TrainerConfig(3, 2, 64, 1, 3e-3, "adam", "bce-log-dice", 0, 0, 0.5, 1e-5, 0, 11, 1, 2,
                true, false, 64, "none");
        Path model = dir.resolve("p/model.safetensors");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer.Result r = new Trainer(c.withEpochs(2), new PrintStream(log, true)).inPlaceProgress(false)
                .input(NetworkInput.PAPER004_NAME)
                .augmentation(dev.nucleon.segmentation.augment.AugmentationPipeline.paper004())
                .checkpointOnValidationLoss(true).recordDiameter(false).metadata(Map.of("nucleon.recipe", "test"))
                .fitPrepared(tiny(), train, validation, model);
        assertEquals(2, r.history().size());
        double best = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        for (EpochRecord e : r.history()) {
            assertTrue(Double.isFinite(e.validationLoss()) && e.validationLoss() > 0, "validation loss " + e);
            if (e.validationLoss() < best) {
                best = e.validationLoss();
                bestEpoch = e.epoch();
            }
        }
        assertEquals(bestEpoch, r.bestEpoch(), "the best epoch is the one of lowest validation loss");
        assertEquals(best, r.bestScore(), 0);
        assertTrue(log.toString().contains("val loss") && log.toString().contains("best validation loss"), log.toString());
        List<EpochRecord> rows = TrainingHistory.read(Trainer.Files.of(model).history());
        assertEquals(r.history().get(1).validationLoss(), rows.get(1).validationLoss(), 1e-6);
        Map<String, String> meta = SafeTensors.read(model).metadata();
        assertEquals(NetworkInput.PAPER004_NAME, meta.get(Predictor.META_INPUT));
        assertEquals("test", meta.get("nucleon.recipe"));
        assertTrue(!meta.containsKey(Predictor.META_DIAMETER), "no rescaling at inference: " + meta);
        // resume continues to epoch 3 with the same rule
        Module net = Checkpoint.load(Trainer.Files.of(model).last());
        Trainer.Result resumed = new Trainer(c, new PrintStream(new ByteArrayOutputStream())).inPlaceProgress(false)
                .input(NetworkInput.PAPER004_NAME).checkpointOnValidationLoss(true)
                .resumePrepared(net, train, validation, model);
        assertEquals(3, resumed.history().size());
        assertTrue(Double.isFinite(resumed.history().get(2).validationLoss()));
        // the rule needs validation samples of the patch size
        assertThrows(IllegalArgumentException.class, () -> new Trainer(c, new PrintStream(new ByteArrayOutputStream()))
                .inPlaceProgress(false).checkpointOnValidationLoss(true)
                .fit(tiny(), samples(), List.of(samples().get(0)), dir.resolve("q/model.safetensors")));
    }

    @Test
    void historyFilesWithoutTheValidationLossColumnStillRead(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("old.history.csv");
        Files.writeString(f, "epoch,train_loss,val_score,val_score_gray,val_score_colour,learning_rate,"
                + "patches_per_second,seconds\n1,0.5,0.4,0.4,,0.001,10.0,60.0\n");
        List<EpochRecord> rows = TrainingHistory.read(f);
        assertEquals(1, rows.size());
        assertTrue(Double.isNaN(rows.get(0).validationLoss()));
        assertEquals(0.4, rows.get(0).validationScore(), 0);
    }

    @Test
    void medianDiameterIsTakenOverEveryTrainingNucleus() throws IOException {
        List<dev.nucleon.segmentation.image.LabelImage> labels = new java.util.ArrayList<>();
        for (NucleiSample s : samples()) {
            labels.add(s.readLabels());
        }
        double d = Trainer.medianDiameter(labels);
        assertTrue(d > 5 && d < 60, "median diameter " + d);
        assertThrows(IllegalArgumentException.class, () -> new Trainer(config(1), System.out).scaleAugmentation(0, 2));
        assertThrows(IllegalArgumentException.class, () -> new Trainer(config(1), System.out).input("hsv"));
    }

    @Test
    void balancedOrderGivesGroupsSharesProportionalToTheRootOfTheirSize() {
        List<NucleiSample> samples = new java.util.ArrayList<>();
        Map<String, String> group = new java.util.HashMap<>();
        for (int i = 0; i < 100; i++) { // 81 "common", 16 "rare", 3 without a group
            String id = "img" + i;
            samples.add(new NucleiSample(id, Path.of(id + ".png"), null, null));
            if (i < 81) {
                group.put(id, "common");
            } else if (i < 97) {
                group.put(id, "rare");
            }
        }
        List<Integer> order = PatchLoader.balancedOrder(samples, group, 200, new java.util.Random(3));
        assertEquals(200, order.size());
        int[] perImage = new int[100];
        order.forEach(i -> perImage[i]++);
        int common = 0, rare = 0, other = 0;
        for (int i = 0; i < 100; i++) {
            if (i < 81) {
                common += perImage[i];
            } else if (i < 97) {
                rare += perImage[i];
            } else {
                other += perImage[i];
            }
        }
        // weights √81 : √16 : √3 = 9 : 4 : 1.73 of 200 patches
        assertEquals(122.6, common, 1.0);
        assertEquals(54.5, rare, 1.0);
        assertEquals(23.6, other, 1.0);
        for (int i = 81; i < 97; i++) { // 54 or 55 patches dealt over 16 images: 3 or 4 each
            assertTrue(perImage[i] == 3 || perImage[i] == 4, "image " + i + ": " + perImage[i]);
        }
        assertEquals(order, PatchLoader.balancedOrder(samples, group, 200, new java.util.Random(3)));
    }

    @Test
    void resumeReadsTheCommittedStateNotAStaleOptimiserFileBesideTheModel(@TempDir Path dir) throws IOException {
        Trainer.Result straight = fit(config(3), tiny(), dir.resolve("s/model.safetensors"), new ByteArrayOutputStream());
        Path model = dir.resolve("r/model.safetensors");
        Trainer.Files f = Trainer.Files.of(model);
        fit(config(1), tiny(), model, new ByteArrayOutputStream());
        Path epoch1Optimizer = Files.copy(f.optimizer(), dir.resolve("optimizer-epoch1.safetensors"));
        List<NucleiSample> all = samples();
        new Trainer(config(2), new PrintStream(new ByteArrayOutputStream())).inPlaceProgress(false)
                .resume(Checkpoint.load(f.last()), all, List.of(all.get(1)), model);
        // what a kill between the last weights and the optimiser state of epoch 2 left with one file per write:
        // epoch-2 weights beside epoch-1 optimiser state
        Files.copy(epoch1Optimizer, f.optimizer(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Trainer.Result resumed = new Trainer(config(3), new PrintStream(new ByteArrayOutputStream()))
                .inPlaceProgress(false).resume(Checkpoint.load(f.last()), all, List.of(all.get(1)), model);
        assertEquals(3, resumed.history().size());
        for (int i = 0; i < 2; i++) { // read back from history.csv (6 decimals)
            assertEquals(straight.history().get(i).trainLoss(), resumed.history().get(i).trainLoss(), 1e-6, "epoch " + (i + 1));
        }
        assertEquals(straight.history().get(2).trainLoss(), resumed.history().get(2).trainLoss(), 0.0, "epoch 3");
    }

    @Test
    void aFailureBetweenTheWritesOfAnEpochResumesAsIfNothingHappened(@TempDir Path dir) throws IOException {
        Trainer.Result straight = fit(config(3), tiny(), dir.resolve("s/model.safetensors"), new ByteArrayOutputStream());
        List<NucleiSample> all = samples();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        for (String failAt : List.of("last", "optimizer", "curves", "publish", "export-optimizer", "prune")) {
            Path model = dir.resolve(failAt + "/model.safetensors");
            int[] commits = {0};
            Trainer failing = new Trainer(config(3), quiet).inPlaceProgress(false).faultHook(step -> {
                commits[0] += step.equals("best") ? 1 : 0;
                if (commits[0] == 2 && step.equals(failAt)) {
                    throw new java.io.UncheckedIOException(new IOException("injected failure before " + step));
                }
            });
            assertThrows(java.io.UncheckedIOException.class, () -> failing.fit(tiny(), all, List.of(all.get(1)), model));
            Module net = Checkpoint.load(TrainingCheckpoint.of(model).resumeWeights());
            Trainer.Result resumed = new Trainer(config(3), quiet).inPlaceProgress(false)
                    .resume(net, all, List.of(all.get(1)), model);
            assertEquals(3, resumed.history().size(), failAt);
            for (int i = 0; i < 2; i++) { // read back from history.csv (6 decimals)
                assertEquals(straight.history().get(i).trainLoss(), resumed.history().get(i).trainLoss(), 1e-6, failAt);
            }
            assertEquals(straight.history().get(2).trainLoss(), resumed.history().get(2).trainLoss(), 0.0, failAt);
            assertEquals(straight.bestEpoch(), resumed.bestEpoch(), failAt);
            assertEquals(Integer.toString(straight.bestEpoch()), SafeTensors.read(model).metadata().get("trainer.epoch"),
                    failAt + ": the best model is the best epoch's");
        }
    }

    @Test
    void aFreshRunRefusesAnotherRunsFilesUnlessOverwrite(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("m/model.safetensors");
        fit(config(1), tiny(), model, new ByteArrayOutputStream());
        byte[] best = Files.readAllBytes(model);
        List<NucleiSample> all = samples();
        Trainer again = new Trainer(config(1).withSeed(99), new PrintStream(new ByteArrayOutputStream())).inPlaceProgress(false);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> again.fit(tiny(), all, List.of(all.get(1)), model));
        assertTrue(e.getMessage().contains("--resume") && e.getMessage().contains("--overwrite")
                && e.getMessage().contains("model.safetensors"), e.getMessage());
        assertArrayEquals(best, Files.readAllBytes(model), "the previous best model is untouched");
        again.overwrite(true).fit(tiny(), all, List.of(all.get(1)), model);
        assertTrue(!java.util.Arrays.equals(best, Files.readAllBytes(model)), "--overwrite starts over");
    }
}
