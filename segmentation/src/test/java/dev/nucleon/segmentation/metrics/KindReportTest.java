package dev.nucleon.segmentation.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.dataset.Dsb2018Dataset;
import dev.nucleon.segmentation.dataset.NucleiKind;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.JsonWriter;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KindReportTest {
    static final String[] TRUTH = {"11..22", "11..22", "......", "33..44", "33..44"};

    /** A scored image: four 2×2 nuclei, predicted as {@code pred}. */
    static KindReport.Image image(String id, String... pred) {
        LabelImage t = LabelImage.parse(TRUTH), p = LabelImage.parse(pred);
        return new KindReport.Image(id, MeanAveragePrecision.score(id, t, p), InstanceErrors.of(t, p));
    }

    static final KindReport.Image PERFECT = image("perfect", TRUTH);
    /** Nuclei 1 and 2 merged by one blob, 3 and 4 found: score(t) = 2 / (2 + 1 + 2) at every t. */
    static final KindReport.Image MERGED = image("merged", "111111", "111111", "......", "33..44", "33..44");
    /** Nothing predicted but a blob on background: score 0. */
    static final KindReport.Image EMPTY = image("empty", "......", "......", "..55..", "......", "......");

    static KindReport report() {
        return KindReport.of(List.of(EMPTY, PERFECT, MERGED), Map.of("perfect", NucleiKind.COLOUR,
                "merged", NucleiKind.COLOUR, "empty", NucleiKind.FLUO_SMALL));
    }

    @Test
    void oneRowPerKindPresentInEnumOrderThenAll() {
        KindReport r = report();
        assertEquals(List.of("fluo-small", "colour", "all"), r.rows().stream().map(KindReport.Row::kind).toList());
        KindReport.Row colour = r.row(NucleiKind.COLOUR);
        assertEquals(2, colour.images());
        assertEquals((1 + 0.4) / 2, colour.score(), 1e-12);
        assertEquals((1 + 0.4) / 2, colour.ap50(), 1e-12);
        assertEquals((1 + 0.4) / 2, colour.ap75(), 1e-12);
        assertEquals(new InstanceErrors(8, 7, 6, 2, 0, 0, 1), colour.errors());
        KindReport.Row all = r.all();
        assertEquals("all", all.kind());
        assertEquals(3, all.images());
        assertEquals(1.4 / 3, all.score(), 1e-12);
        assertEquals(new InstanceErrors(12, 8, 6, 2, 0, 4, 2), all.errors());
        assertNull(r.row(NucleiKind.BRIGHTFIELD));
    }

    @Test
    void imagesWithoutAKindGetAnUnknownRow() {
        KindReport r = KindReport.of(List.of(PERFECT, MERGED), Map.of("perfect", NucleiKind.FLUO_DENSE));
        assertEquals(List.of("fluo-dense", "unknown", "all"), r.rows().stream().map(KindReport.Row::kind).toList());
        assertEquals(0.4, r.rows().get(1).score(), 1e-12);
    }

    @Test
    void apAtThresholdsComesFromThePerThresholdScores() {
        // IoU of the prediction with the 3×2 nucleus is 4/6 = 0.667: a match at 0.5, not at 0.75
        LabelImage t = LabelImage.parse("111.", "111."), p = LabelImage.parse("11..", "11..");
        KindReport.Image i = new KindReport.Image("x", MeanAveragePrecision.score("x", t, p), InstanceErrors.of(t, p));
        KindReport.Row row = KindReport.of(List.of(i), Map.of("x", NucleiKind.FLUO_LARGE)).all();
        assertEquals(1.0, row.ap50(), 0.0);
        assertEquals(0.0, row.ap75(), 0.0);
        assertEquals(0.4, row.score(), 1e-12, "matches at 0.50, 0.55, 0.60, 0.65 of ten thresholds");
    }

    @Test
    void textTableHasAlignedColumnsAndEveryRow() {
        String text = report().toText();
        List<String> lines = text.lines().toList();
        assertEquals(4, lines.size(), text);
        assertTrue(lines.get(0).startsWith("kind") && lines.get(0).contains("AP@0.5") && lines.get(0).contains("AP@0.75")
                && lines.get(0).contains("merged") && lines.get(0).contains("split") && lines.get(0).contains("missed")
                && lines.get(0).contains("false pos"), text);
        assertTrue(lines.get(3).startsWith("all "), text);
        assertTrue(lines.get(2).matches("colour +2 +0\\.7000 +0\\.7000 +0\\.7000 +8 +7 +6 +2 +0 +0 +1"), text);
        for (String l : lines) {
            assertEquals(lines.get(0).length(), l.length(), "right-aligned numbers end in one column:\n" + text);
        }
    }

    @Test
    void jsonHasTheRowsAndTheImages() {
        String json = report().toJson();
        JsonSyntax.check(json);
        assertTrue(json.startsWith("{\"kinds\":[{\"kind\":\"fluo-small\",\"images\":1,\"score\":0.0,"), json);
        assertTrue(json.contains("{\"kind\":\"all\",\"images\":3,"), json);
        assertTrue(json.contains("\"merged\":2,\"split\":0,\"missed\":4,\"false_positives\":2}]"), json);
        assertTrue(json.contains("\"images\":[{\"id\":\"empty\",\"kind\":\"fluo-small\",\"score\":0.0"), json);
        String rows = report().writeRows(new JsonWriter()).toString();
        JsonSyntax.check(rows);
        assertTrue(rows.startsWith("[{\"kind\":\"fluo-small\""), rows);
    }

    @Test
    void chartIsAPngWithABarPerScore(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("out/kinds.png");
        report().writeChart(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() >= 520 && img.getHeight() == 420, img.getWidth() + "x" + img.getHeight());
        int blue = 0, green = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                blue += rgb == 0x1f77b4 ? 1 : 0;
                green += rgb == 0x2ca02c ? 1 : 0;
            }
        }
        assertTrue(blue > 1000 && green > 1000, "bars drawn: " + blue + " score, " + green + " AP@0.5 pixels");
        try (var files = Files.list(png.getParent())) {
            assertEquals(List.of(png), files.toList(), "no temporary file left");
        }
    }

    @Test
    void reportOfScoredPredictionFilesMeasuresTheKinds(@TempDir Path pred) throws IOException {
        Files.copy(TestData.labels(TestData.GRAY_ID), pred.resolve(TestData.GRAY_ID + "_labels.png"));
        Files.copy(TestData.labels(TestData.COLOUR_ID), pred.resolve(TestData.COLOUR_ID + "_labels.png"));
        EvaluationReport scored = Evaluation.run(TestData.resourceDataset(), pred);
        KindReport r = KindReport.of(scored, Dsb2018Dataset.open(TestData.resourceDataset()));
        assertEquals(NucleiKind.COLOUR, r.kinds().get(TestData.COLOUR_ID));
        assertEquals(3, r.all().images());
        assertEquals(1.0, r.row(NucleiKind.COLOUR).score(), 0.0);
        assertEquals(17 + 11 + 2, r.all().errors().truth());
        assertEquals(11, r.all().errors().missed(), "the third image has no prediction");
        assertEquals(17 + 2, r.all().errors().matched());
    }
}
