package dev.nucleon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.nn.io.SafeTensors;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.io.ImageFileWriter;
import dev.nucleon.segmentation.preprocess.NetworkInput;
import dev.nucleon.segmentation.recipes.Recipes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nucleon train --recipe NAME} and {@code --list-recipes}. */
class TrainRecipeTest {
    @TempDir
    Path dir;

    @Test
    void listRecipesNamesEveryRecipeWithItsDeviations() {
        Run r = Run.of("train", "--list-recipes");
        assertEquals(0, r.exitCode(), r.toString());
        Recipes.all().forEach(recipe -> assertTrue(r.out().contains(recipe.name()), recipe.name() + "\n" + r));
        assertTrue(r.out().contains("differs from the paper: batch 8"), r.out());
        assertTrue(r.out().contains("ResNet-152 from scratch, weeks of CPU time here"), r.out());
    }

    @Test
    void anUnknownRecipeIsAUsageErrorListingTheKnownOnes() {
        Run r = Run.of("train", "--recipe", "paper004-vgg", "--data", dir.toString(), "--out", dir.resolve("m.safetensors").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("paper004-unet-b8") && r.err().contains("paper000-unet-carving"), r.err());
    }

    @Test
    void optionsTheRecipeSetsAreRefusedNextToIt() {
        Run r = Run.of("train", "--recipe", "paper004-unet-b8", "--lr", "0.1", "--model", "unet", "--data", dir.toString(),
                "--out", dir.resolve("m.safetensors").toString());
        assertEquals(2, r.exitCode(), r.toString());
        String line = r.err().lines().findFirst().orElse("");
        assertTrue(line.contains("--model") && line.contains("--lr") && line.contains("paper004-unet-b8"), line);
    }

    @Test
    void paper004OnAFolderWithoutGrayImagesSaysSoBeforeTraining() throws IOException {
        Path data = dir.resolve("colour");
        writeSample(data.resolve("c0"), true);
        Path out = dir.resolve("run/m.safetensors");
        Run r = Run.of("train", "--recipe", "paper004-unet-b8", "--data", data.toString(), "--out", out.toString(),
                "--no-progress");
        assertEquals(1, r.exitCode(), r.toString());
        String line = r.err().lines().findFirst().orElse("");
        assertTrue(line.contains(data.toString()) && line.contains("grayscale"), line);
        assertFalse(r.out().contains("epoch 1/"), "refused before training: " + r.out());
        assertFalse(Files.exists(out));
    }

    @Test
    void aShortPaper004RunWritesAModelThatCarriesItsInputPipelineAndRecipe() throws IOException {
        Path data = dir.resolve("gray");
        for (int i = 0; i < 5; i++) {
            writeSample(data.resolve("g" + i), false);
        }
        Path out = dir.resolve("run/unet-b8.safetensors");
        Run r = Run.of("train", "--recipe", "paper004-unet-b8", "--data", data.toString(), "--out", out.toString(),
                "--epochs", "1", "--no-progress");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("recipe paper004-unet-b8") && r.out().contains("485813 parameters")
                && r.out().contains("4 training and 1 validation samples") && r.out().contains("val loss"), r.out());
        Map<String, String> meta = SafeTensors.read(out).metadata();
        assertEquals(NetworkInput.PAPER004_NAME, meta.get(Predictor.META_INPUT));
        assertEquals("paper004-unet-b8", meta.get(TrainCommand.META_RECIPE));
        assertEquals("paper004", meta.get(Predictor.META_POST));
        assertFalse(meta.containsKey(Predictor.META_DIAMETER), "paper 004 predicts every image at its own scale");
        // evaluate --recipe scores the recipe's own validation split (the same seeded 8:2 split of the patches)
        Run e = Run.of("evaluate", "--data", data.toString(), "--model", out.toString(), "--recipe", "paper004-unet-b8",
                "--metric", "paper004", "--pred-out", dir.resolve("pred").toString());
        assertEquals(0, e.exitCode(), e.toString());
        assertTrue(e.err().contains("recipe paper004-unet-b8: scoring its 1 validation samples"), e.err());
        assertTrue(e.out().contains("recipe paper004-unet-b8") && e.out().toLowerCase().contains("paper 004"), e.out());
        assertTrue(e.err().contains("[1/1]"), "a progress line per image: " + e.err());
        Run quiet = Run.of("evaluate", "--data", data.toString(), "--model", out.toString(), "--recipe",
                "paper004-unet-b8", "--quiet");
        assertEquals(0, quiet.exitCode(), quiet.toString());
        assertFalse(quiet.err().contains("[1/1]"), "--quiet: no progress line: " + quiet.err());
        assertEquals(e.out().lines().filter(l -> l.startsWith("mean AP")).toList(),
                quiet.out().lines().filter(l -> l.startsWith("mean AP")).toList());
        Run bundled = Run.of("evaluate", "--data", data.toString(), "--recipe", "paper004-unet-b8");
        assertEquals(1, bundled.exitCode(), bundled.toString());
        assertTrue(bundled.err().contains(NetworkInput.PAPER004_NAME), bundled.err());
        Run both = Run.of("evaluate", "--data", data.toString(), "--recipe", "paper004-unet-b8", "--split", "random");
        assertEquals(2, both.exitCode(), both.toString());
        // segment applies the model's own input conversion with no extra flag
        Path seg = dir.resolve("seg");
        Run s = Run.of("segment", data.resolve("g0/image.png").toString(), "--model", out.toString(), "--out", seg.toString());
        assertEquals(0, s.exitCode(), s.toString());
    }

    @Test
    void paper001sSimpleCnnTrainsTheClassesHeadAndItsModelSegments() throws IOException {
        Path data = dir.resolve("mixed001");
        for (int i = 0; i < 5; i++) {
            writeSample(data.resolve("s" + i), i % 2 == 1);
        }
        Path out = dir.resolve("run001/simple.safetensors");
        Run r = Run.of("train", "--recipe", "paper001-simple-cnn", "--data", data.toString(), "--out", out.toString(),
                "--epochs", "1", "--no-progress");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("loss=cross-entropy") && r.out().contains("epoch 1/1"), r.out());
        assertEquals("classes", SafeTensors.read(out).metadata().get(Predictor.META_HEAD));
        Run s = Run.of("segment", data.resolve("s0/image.png").toString(), "--model", out.toString(), "--out",
                dir.resolve("seg001").toString());
        assertEquals(0, s.exitCode(), s.toString());
        LabelImage labels = ImageFileReader.readLabels(labelsUnder(dir.resolve("seg001")));
        assertEquals(96, labels.width());
        assertEquals(80, labels.height());
    }

    @Test
    void paper003sHalfSizeTwoClassResFcnTrainsAndItsModelSegmentsAtFullSize() throws IOException {
        Path data = dir.resolve("mixed003");
        for (int i = 0; i < 5; i++) {
            writeSample(data.resolve("r" + i), i % 2 == 0);
        }
        Path out = dir.resolve("run003/resfcn.safetensors");
        Run r = Run.of("train", "--recipe", "paper003-resfcn", "--data", data.toString(), "--out", out.toString(),
                "--epochs", "1", "--no-progress");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("recipe paper003-resfcn") && r.out().contains("val loss"), r.out());
        Run s = Run.of("segment", data.resolve("r0/image.png").toString(), "--model", out.toString(), "--out",
                dir.resolve("seg003").toString());
        assertEquals(0, s.exitCode(), s.toString());
        LabelImage labels = ImageFileReader.readLabels(labelsUnder(dir.resolve("seg003")));
        assertEquals(96, labels.width(), "labels at the input's size, not the network's 128x128 output");
        assertEquals(80, labels.height());
    }

    /** The one {@code *_labels.png} that {@code segment --out folder} wrote. */
    private static Path labelsUnder(Path folder) throws IOException {
        try (var files = Files.walk(folder)) {
            List<Path> labels = files.filter(f -> f.getFileName().toString().endsWith("_labels.png")).toList();
            assertEquals(1, labels.size(), "labels files under " + folder + ": " + labels);
            return labels.get(0);
        }
    }

    /** A 96×80 image with three discs, gray or colour (H&E-like), and its labels. */
    static void writeSample(Path folder, boolean colour) throws IOException {
        Files.createDirectories(folder);
        int w = 96, h = 80, n = w * h;
        float[] img = new float[(colour ? 3 : 1) * n];
        int[] lab = new int[n];
        int[][] discs = {{20, 20, 9}, {60, 30, 11}, {40, 60, 10}};
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int k = 0;
                for (int d = 0; d < discs.length; d++) {
                    int dx = x - discs[d][0], dy = y - discs[d][1];
                    if (dx * dx + dy * dy <= discs[d][2] * discs[d][2]) {
                        k = d + 1;
                    }
                }
                lab[y * w + x] = k;
                for (int c = 0; c < (colour ? 3 : 1); c++) {
                    img[c * n + y * w + x] = colour ? (k > 0 ? 0.3f + 0.1f * c : 0.9f - 0.2f * c) : (k > 0 ? 0.8f : 0.1f);
                }
            }
        }
        if (colour) {
            ImageFileWriter.writeRgb(new FloatImage(w, h, 3, img), folder.resolve("image.png"));
        } else {
            ImageFileWriter.writeGray(new FloatImage(w, h, 1, img), folder.resolve("image.png"), 8);
        }
        ImageFileWriter.writeLabels(new LabelImage(w, h, lab), folder.resolve("labels.png"));
    }
}
