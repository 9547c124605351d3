package dev.nucleon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.nn.io.Json;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.io.ImageFileWriter;
import dev.nucleon.segmentation.networks.Presets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate --metric official|paper004} and {@code segment|evaluate --post watershed|paper004}. */
class PaperPostAndMetricTest {
    @TempDir
    Path dir;
    Path truth;
    Path pred;

    @BeforeEach
    void setUp() throws IOException {
        // two 4×3 images; a is predicted perfectly, b as worked out in metricPaper004...
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
        ImageFileWriter.writeLabels(LabelImage.parse("1...", ".3..", "..2."), pred.resolve("b_labels.png"));
    }

    @Test
    void metricPaper004PrintsItsScoresNextToTheOfficialOne() {
        // image a: perfect → official 1, paper 004 average IoU 1 and precision 1.
        // image b: pred 1 = truth 1 (IoU 1); pred 2 covers half of truth 2 (IoU 1/2, not > 0.5: truth 2 missed, but
        //   pred 2 overlaps it, so NOT a paper-004 false positive); pred 3 overlaps no truth (a FP under both rules).
        //   official: TP 1, FP 2, FN 1 → 1/4 at every t → 0.25.
        //   paper 004: TP 1, FN 1, FP 1 → precision 1/3; average IoU (1 + 0)/2 = 0.5 at every T_k → 0.5.
        // dataset: official (1 + 0.25)/2 = 0.625; average IoU (1 + 0.5)/2 = 0.75 ± 0.25;
        //          precision (1 + 1/3)/2 = 0.6667 ± 0.3333.
        Run r = Run.of("evaluate", "--truth", truth.toString(), "--pred", pred.toString(), "--metric", "paper004");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("mean AP (DSB2018)    0.6250"), r.out());
        assertTrue(r.out().contains("avg IoU (paper 004)  0.7500 ± 0.2500"), r.out());
        assertTrue(r.out().contains("precision (004)      0.6667 ± 0.3333"), r.out());
        // no true nuclei touch here: the connected-regions reading gives the same
        assertTrue(r.out().contains("004, truth as connected regions: avg IoU 0.7500 ± 0.2500, precision 0.6667 ± 0.3333"),
                r.out());
        String header = r.out().lines().filter(l -> l.startsWith("kind ")).findFirst().orElseThrow();
        assertTrue(header.matches("kind +images +score +avg IoU 004 +± IoU +prec 004 +AP@0\\.5 .*"), header);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("all +2 +0\\.6250 +0\\.7500 +0\\.2500 +0\\.6667 .*")),
                r.out());

        Run json = Run.of("evaluate", "--truth", truth.toString(), "--pred", pred.toString(), "--metric", "paper004",
                "--json");
        assertEquals(0, json.exitCode(), json.toString());
        assertTrue(json.out().contains("\"paper004\":{\"avg_iou\":0.75,\"avg_iou_std\":0.25,\"precision\":0.666"),
                json.out());
        assertTrue(json.out().contains("\"paper004_avg_iou\":0.75,\"paper004_avg_iou_std\":0.25"), json.out());
        assertTrue(json.out().contains("\"id\":\"b\"") && json.out().contains("\"paper004_fp\":1"), json.out());
        Json.parse(json.out());

        Run official = Run.of("evaluate", "--truth", truth.toString(), "--pred", pred.toString());
        assertEquals(0, official.exitCode(), official.toString());
        assertTrue(official.out().contains("mean AP (DSB2018)    0.6250"), official.out());
        assertFalse(official.out().contains("004 "), "official (the default): no paper 004 column\n" + official.out());
        assertFalse(Run.of("evaluate", "--truth", truth.toString(), "--pred", pred.toString(), "--json").out()
                .contains("paper004"));
    }

    @Test
    void unknownMetricOrPostIsAUsageErrorListingTheValidValues() {
        Run m = Run.of("evaluate", "--truth", truth.toString(), "--pred", pred.toString(), "--metric", "kaggle");
        assertEquals(2, m.exitCode(), m.toString());
        assertTrue(m.err().contains("--metric must be one of official, paper004, got kaggle"), m.err());
        Run e = Run.of("evaluate", "--data", "D", "--post", "stardist");
        assertEquals(2, e.exitCode(), e.toString());
        assertTrue(e.err().contains("--post must be one of watershed, paper004, got stardist"), e.err());
        Run s = Run.of("segment", "x.png", "--out", dir.resolve("o").toString(), "--post", "stardist");
        assertEquals(2, s.exitCode(), s.toString());
        assertTrue(s.err().contains("--post must be one of watershed, paper004, got stardist"), s.err());
    }

    /**
     * A {@code simple-cnn} of width 1 set by hand to threshold its input: every 1×1 layer and the centre tap of the
     * 3×3 output are sigmoid(40·x − 20), so the nucleus probability is ≈ 1 on the bright discs and ≈ 0 elsewhere.
     */
    private Path thresholdingModel(String name, Map<String, String> meta) throws IOException {
        Module net = Presets.build("simple-cnn", Map.of("in_channels", 1, "classes", 1, "width", 1));
        net.namedParameters().forEach((k, prm) -> {
            if (k.startsWith("dense") || k.startsWith("output")) {
                float[] v = new float[(int) prm.numel()];
                v[v.length / 2] = k.endsWith("bias") ? -20f : 40f;
                prm.value().assign(Tensor.of(v, prm.shape()));
            }
        });
        Path file = dir.resolve(name);
        Checkpoint.save(file, net, meta);
        return file;
    }

    /**
     * One 64×64 sample: two bright discs of radius 9 whose centres are 16 px apart (one blob with a waist), each its
     * own truth nucleus.
     */
    private Path touchingPair(Path data) throws IOException {
        Path folder = Files.createDirectories(data.resolve("pair"));
        float[] img = new float[64 * 64];
        int[] lab = new int[64 * 64];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                double d1 = Math.hypot(x - 22, y - 32), d2 = Math.hypot(x - 38, y - 32);
                lab[y * 64 + x] = d1 <= 9 && d1 <= d2 ? 1 : d2 <= 9 ? 2 : 0;
                img[y * 64 + x] = lab[y * 64 + x] > 0 ? 0.8f : 0.1f;
            }
        }
        ImageFileWriter.writeGray(new FloatImage(64, 64, 1, img), folder.resolve("image.png"), 8);
        ImageFileWriter.writeLabels(new LabelImage(64, 64, lab), folder.resolve("labels.png"));
        return folder;
    }

    @Test
    void segmentPostPaper004KeepsTouchingNucleiTogetherAndTheModelFileMaySayIt() throws IOException {
        Path data = dir.resolve("data");
        touchingPair(data);
        Path plain = thresholdingModel("plain.safetensors", Map.of());
        Path paper = thresholdingModel("paper.safetensors", Map.of(Predictor.META_POST, "paper004"));
        Run watershed = Run.of("segment", data.toString(), "--out", dir.resolve("w").toString(), "--model",
                plain.toString());
        Run post = Run.of("segment", data.toString(), "--out", dir.resolve("p").toString(), "--model",
                plain.toString(), "--post", "paper004");
        Run byFile = Run.of("segment", data.toString(), "--out", dir.resolve("f").toString(), "--model",
                paper.toString());
        Run overridden = Run.of("segment", data.toString(), "--out", dir.resolve("o").toString(), "--model",
                paper.toString(), "--post", "watershed");
        for (Run r : new Run[] {watershed, post, byFile, overridden}) {
            assertEquals(0, r.exitCode(), r.toString());
        }
        assertEquals(2, labels(dir.resolve("w")).countLabels(), "the default step splits the pair by watershed");
        assertEquals(1, labels(dir.resolve("p")).countLabels(), "--post paper004: one connected component");
        assertEquals(1, labels(dir.resolve("f")).countLabels(), "nucleon.post = paper004 in the file, no flag");
        assertEquals(2, labels(dir.resolve("o")).countLabels(), "--post watershed overrides the file");
        Object options = ((Map<?, ?>) Json.parse(Files.readString(dir.resolve("p/manifest.json")))).get("options");
        assertEquals("paper004", ((Map<?, ?>) options).get("post"), options.toString());
    }

    private static LabelImage labels(Path out) throws IOException {
        return ImageFileReader.readLabels(out.resolve("pair_labels.png"));
    }

    @Test
    void evaluateDataWithPaperPostAndMetricWritesTheNewColumns() throws IOException {
        Path data = dir.resolve("data");
        touchingPair(data);
        Path model = thresholdingModel("plain.safetensors", Map.of());
        Path out = dir.resolve("eval");
        // --post paper004 merges the two truth nuclei into one blob. Truth 1 keeps the column where the discs meet,
        // so its IoU with the blob is just above 1/2 (0.509, printed below as average IoU (>0.5) 0.2545 = 0.509/2),
        // truth 2's just below. Only T = 0.50 is passed: official = (1/(1 + 0 + 1))/10 = 0.05; paper 004 precision = (1/2)/10
        // = 0.05 (the blob overlaps truth, no FP either way); its average IoU = (0.509/2)/10 = 0.0255.
        Run r = Run.of("evaluate", "--data", data.toString(), "--model", model.toString(), "--split", "none",
                "--post", "paper004", "--metric", "paper004", "--pred-out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("mean AP (DSB2018)    0.0500"), r.out());
        assertTrue(r.out().contains("average IoU (>0.5)   0.2545"), r.out());
        assertTrue(r.out().contains("avg IoU (paper 004)  0.0255 ± 0.0000"), r.out());
        assertTrue(r.out().contains("precision (004)      0.0500 ± 0.0000"), r.out());
        // the paper's literal reading: the two touching true nuclei are one connected region, which the blob matches
        assertTrue(r.out().contains("004, truth as connected regions: avg IoU 1.0000 ± 0.0000, precision 1.0000 ± 0.0000"),
                r.out());
        String kinds = Files.readString(out.resolve("kinds.json"));
        assertTrue(kinds.contains("\"paper004_avg_iou\":0.025") && kinds.contains("\"paper004_precision\":0.05"),
                kinds);
        assertEquals(1, ImageFileReader.readLabels(out.resolve("pair_labels.png")).countLabels());
        // the default watershed step splits the pair back into two nuclei: both scores rise
        Run w = Run.of("evaluate", "--data", data.toString(), "--model", model.toString(), "--split", "none",
                "--metric", "paper004", "--pred-out", dir.resolve("eval2").toString(), "--json");
        assertEquals(0, w.exitCode(), w.toString());
        Map<?, ?> p4 = (Map<?, ?>) ((Map<?, ?>) Json.parse(w.out())).get("paper004");
        assertTrue(((Json.Number) p4.get("precision")).doubleValue() > 0.5, w.out());
    }
}
