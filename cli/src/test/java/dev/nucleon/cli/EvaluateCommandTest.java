package dev.nucleon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.segmentation.dataset.DatasetSplit;
import dev.nucleon.segmentation.dataset.Dsb2018Dataset;
import dev.nucleon.segmentation.dataset.GroupedSplit;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileWriter;
import dev.nucleon.segmentation.networks.Presets;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateCommandTest {
    @TempDir
    Path dir;
    Path truth;
    Path pred;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void dataset() throws IOException {
        truth = dir.resolve("truth");
        pred = Files.createDirectories(dir.resolve("pred"));
        LabelImage a = LabelImage.parse("11..", "11.2", "...2");
        LabelImage b = LabelImage.parse("1...", "....", "..22");
        for (String id : new String[] {"a", "b"}) {
            Path d = Files.createDirectories(truth.resolve(id));
            ImageFileWriter.writeLabels(LabelImage.empty(4, 3), d.resolve("image.png"));
            ImageFileWriter.writeLabels(id.equals("a") ? a : b, d.resolve("labels.png"));
        }
        ImageFileWriter.writeLabels(a, pred.resolve("a_labels.png"));
    }

    /** Runs the command; {@link #out} and {@link #err} then hold this run's output only. */
    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cl = new CommandLine(new EvaluateCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void printsScoresAndWarnsAboutMissingPredictions() {
        assertEquals(1, run("--truth", truth.toString(), "--pred", pred.toString()), "a missing prediction is exit 1");
        assertTrue(out.toString().contains("mean AP (DSB2018)    0.5000"), out.toString());
        assertTrue(out.toString().contains("0.95"), out.toString());
        assertTrue(out.toString().contains("average IoU"), out.toString());
        assertTrue(out.toString().contains("pixel"), out.toString());
        assertTrue(err.toString().contains("warning: no prediction for b"), err.toString());
        // the 4x3 blank images measure as gray fluorescence: a table with their kind and all
        assertTrue(out.toString().contains("by nuclei kind"), out.toString());
        List<String> table = out.toString().lines().dropWhile(l -> !l.startsWith("kind ")).toList();
        assertTrue(table.size() >= 3 && table.get(0).contains("AP@0.5") && table.get(0).contains("merged"), out.toString());
        assertTrue(table.stream().anyMatch(l -> l.matches("all +2 +0\\.5000 +0\\.5000 +0\\.5000 .*")), out.toString());
    }

    @Test
    void jsonIsOneObjectWithTheDocumentedKeys() {
        assertEquals(1, run("--truth", truth.toString(), "--pred", pred.toString(), "--json"), "b has no prediction");
        String json = out.toString().trim();
        assertTrue(json.startsWith("{\"mean_ap\":0.5,") && json.endsWith("}"), json);
        for (String key : new String[] {"\"ap_by_threshold\":{\"0.50\":0.5", "\"avg_iou\":{\"mean\":0.5",
                "\"pixel\":{", "\"images\":[{\"id\":\"a\"", "\"kinds\":[{\"kind\":\"fluo-", "{\"kind\":\"all\",\"images\":2,"}) {
            assertTrue(json.contains(key), key + " in " + json);
        }
        assertEquals(1, json.lines().count());
    }

    @Test
    void badInputExitsWithOneAndNamesTheFile() throws IOException {
        assertEquals(2, run("--truth", truth.toString()), "a usage error");
        assertTrue(err.toString().contains("required"), err.toString());
        assertEquals(1, run("--truth", dir.resolve("nope").toString(), "--pred", pred.toString()));
        Path corrupt = Files.writeString(pred.resolve("b_labels.png"), "not a png");
        assertEquals(1, run("--truth", truth.toString(), "--pred", pred.toString()));
        assertTrue(err.toString().contains(corrupt.toString()), err.toString());
    }

    /**
     * A dataset of 12 gray 64×64 images: two fluorescence and two brightfield "experiments" of three images each
     * (discs of one size and intensity on one background), and a tiny untrained model.
     */
    private Path modelDataset() throws IOException {
        Path data = dir.resolve("data");
        float[][] looks = {{0.05f, 0.8f}, {0.2f, 0.5f}, {0.85f, 0.3f}, {0.7f, 0.1f}}; // background, nucleus
        int[] radius = {4, 6, 5, 7};
        for (int e = 0; e < 4; e++) {
            for (int i = 0; i < 3; i++) {
                float[] img = new float[64 * 64];
                int[] lab = new int[64 * 64];
                for (int k = 0; k < 4; k++) {
                    int cx = 16 + 32 * (k % 2) + i, cy = 16 + 32 * (k / 2);
                    for (int y = 0; y < 64; y++) {
                        for (int x = 0; x < 64; x++) {
                            boolean in = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius[e] * radius[e];
                            lab[y * 64 + x] = in ? k + 1 : lab[y * 64 + x];
                            img[y * 64 + x] = lab[y * 64 + x] > 0 ? looks[e][1] : looks[e][0];
                        }
                    }
                }
                Path d = Files.createDirectories(data.resolve("e" + e + "-" + i));
                ImageFileWriter.writeGray(new FloatImage(64, 64, 1, img), d.resolve("image.png"), 8);
                ImageFileWriter.writeLabels(new LabelImage(64, 64, lab), d.resolve("labels.png"));
            }
        }
        Initializers.manualSeed(1);
        Checkpoint.save(dir.resolve("tiny.safetensors"),
                Presets.build("unet-bn", Map.of("base", 4, "depth", 3, "in_channels", 1)));
        return data;
    }

    private static Set<String> predicted(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("_labels.png"))
                    .map(n -> n.substring(0, n.length() - "_labels.png".length())).collect(Collectors.toSet());
        }
    }

    @Test
    void dataIsScoredOnTheGroupedValidationByDefaultWithATableByKind() throws IOException {
        Path data = modelDataset(), out1 = dir.resolve("out1");
        List<NucleiSample> samples = Dsb2018Dataset.open(data).samples();
        GroupedSplit expected = GroupedSplit.of(samples, 0.2, 2018, 1);
        int n = expected.validation().size();
        assertTrue(n > 0 && n < 12, "the test data hold out some images: " + n);

        assertEquals(0, run("--data", data.toString(), "--model", dir.resolve("tiny.safetensors").toString(),
                "--pred-out", out1.toString()), err.toString());
        String text = out.toString();
        assertTrue(text.contains(String.format("images scored        %d%n", n)), text);
        assertTrue(text.contains("split                grouped (fraction 0.2, seed 2018)"), text);
        assertTrue(text.contains("by kind              grayscale"), text);
        for (String kind : new String[] {"fluo-small", "brightfield", "all"}) {
            assertTrue(text.lines().anyMatch(l -> l.startsWith(kind + " ")), kind + " row in\n" + text);
        }
        assertEquals(expected.validation().stream().map(NucleiSample::id).collect(Collectors.toSet()), predicted(out1));
        assertTrue(err.toString().contains("[1/" + n + "] ") && err.toString().contains("[" + n + "/" + n + "] "),
                err.toString());
        assertTrue(err.toString().contains(" img/s  ETA "), err.toString());
        assertTrue(Files.size(out1.resolve("kinds.png")) > 1000);
        String kinds = Files.readString(out1.resolve("kinds.json"));
        assertTrue(kinds.startsWith("{\"kinds\":[{\"kind\":\"fluo-small\",") && kinds.contains("\"images\":[{\"id\":"),
                kinds);

        assertEquals(0, run("--data", data.toString(), "--model", dir.resolve("tiny.safetensors").toString(),
                "--pred-out", dir.resolve("out2").toString(), "--json"), err.toString());
        String json = out.toString().trim();
        assertEquals(1, json.lines().count(), json);
        assertTrue(json.contains("\"split\":{\"mode\":\"grouped\",\"fraction\":0.2,\"seed\":2018,\"images\":" + n
                + "},\"kinds\":[{\"kind\":\"fluo-small\""), json);
    }

    @Test
    void splitRandomNoneAndTheOldFractionOption() throws IOException {
        Path data = modelDataset();
        String model = dir.resolve("tiny.safetensors").toString();
        List<NucleiSample> samples = Dsb2018Dataset.open(data).samples();

        assertEquals(0, run("--data", data.toString(), "--model", model, "--split", "none", "--pred-out",
                dir.resolve("none").toString()), err.toString());
        assertTrue(out.toString().contains("images scored        12"), out.toString());
        assertTrue(out.toString().contains("split                none\n"), out.toString());
        assertEquals(12, predicted(dir.resolve("none")).size());

        // --split-fraction alone keeps its old meaning: the seeded random split
        assertEquals(0, run("--data", data.toString(), "--model", model, "--split-fraction", "0.5", "--split-seed",
                "3", "--pred-out", dir.resolve("old").toString()), err.toString());
        assertTrue(out.toString().contains("split                random (fraction 0.5, seed 3)"), out.toString());
        assertEquals(DatasetSplit.of(samples, 0.5, 3).validation().stream().map(NucleiSample::id)
                .collect(Collectors.toSet()), predicted(dir.resolve("old")));

        assertEquals(0, run("--data", data.toString(), "--model", model, "--split", "random", "--pred-out",
                dir.resolve("random").toString()), err.toString());
        assertTrue(out.toString().contains("split                random (fraction 0.1, seed 2018)"), out.toString());
        assertEquals(DatasetSplit.of(samples, 0.1, 2018).validation().size(), predicted(dir.resolve("random")).size());

        assertEquals(2, run("--data", data.toString(), "--model", model, "--split", "halves"));
        assertTrue(err.toString().contains("--split must be grouped, random or none, got halves"), err.toString());
        assertEquals(2, run("--data", data.toString(), "--model", model, "--split", "none", "--split-fraction", "0.3"));
        assertEquals(2, run("--data", data.toString(), "--model", model, "--split", "grouped", "--split-fraction", "1"));
        assertTrue(err.toString().contains("--split-fraction must be in (0, 1), got 1.0"), err.toString());
    }
}
