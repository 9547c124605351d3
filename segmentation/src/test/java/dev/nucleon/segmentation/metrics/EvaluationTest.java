package dev.nucleon.segmentation.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileException;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.io.ImageFileWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {
    @TempDir
    Path dir;

    @Test
    void perfectPredictionsInBothNamingStylesScoreOne() throws IOException {
        Path pred = dir.resolve("pred");
        Files.createDirectories(pred.resolve(TestData.GRAY_ID_2));
        Files.copy(TestData.labels(TestData.GRAY_ID), pred.resolve(TestData.GRAY_ID + "_labels.png"));
        Files.copy(TestData.labels(TestData.GRAY_ID_2), pred.resolve(TestData.GRAY_ID_2).resolve("labels.png"));
        LabelImage colour = ImageFileReader.readLabels(TestData.labels(TestData.COLOUR_ID));
        ImageFileWriter.writeLabels(colour, pred.resolve(TestData.COLOUR_ID + "_labels.tif"));
        EvaluationReport r = Evaluation.run(TestData.resourceDataset(), pred);
        assertEquals(3, r.images().size());
        assertEquals(1.0, r.meanAp(), 1e-12);
        for (double v : r.apByThreshold()) {
            assertEquals(1.0, v, 1e-12);
        }
        assertEquals(1.0, r.averageIou().mean(), 1e-12);
        assertEquals(0.0, r.averageIou().std(), 1e-12);
        assertEquals(1.0, r.pixel().f1(), 1e-12);
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        String json = r.toJson();
        JsonSyntax.check(json);
        for (String key : new String[] {"\"mean_ap\":1.0", "\"ap_by_threshold\":{\"0.50\":1.0", "\"avg_iou\":{",
                "\"pixel\":{", "\"images\":[", "\"0.95\":"}) {
            assertTrue(json.contains(key), key + " in " + json);
        }
        assertTrue(r.toText().contains("mean AP (DSB2018)    1.0000"), r.toText());
    }

    @Test
    void missingPredictionIsWarnedAndScoredEmptyStrayIsListed() throws IOException {
        Path pred = Files.createDirectories(dir.resolve("pred"));
        Files.copy(TestData.labels(TestData.GRAY_ID), pred.resolve(TestData.GRAY_ID + "_labels.png"));
        Files.copy(TestData.labels(TestData.GRAY_ID), pred.resolve("unknown_labels.png"));
        EvaluationReport r = Evaluation.run(TestData.resourceDataset(), pred);
        assertEquals(2, r.missingCount());
        assertEquals(1.0 / 3.0, r.meanAp(), 1e-12);
        assertEquals(3, r.warnings().size(), r.warnings().toString());
        assertTrue(r.warnings().get(0).contains("no prediction for " + TestData.GRAY_ID_2));
        assertTrue(r.warnings().get(2).contains("unknown_labels.png"));
        assertTrue(r.toText().contains("2 without prediction"));
        JsonSyntax.check(r.toJson());
    }

    @Test
    void corruptOrMisSizedPredictionIsNamed() throws IOException {
        Path pred = Files.createDirectories(dir.resolve("pred"));
        Path bad = Files.write(pred.resolve(TestData.GRAY_ID + "_labels.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        ImageFileException e = assertThrows(ImageFileException.class,
                () -> Evaluation.run(TestData.resourceDataset(), pred));
        assertEquals(bad, e.file());
        Files.delete(bad);
        ImageFileWriter.writeLabels(LabelImage.empty(10, 10), bad);
        ImageFileException e2 = assertThrows(ImageFileException.class,
                () -> Evaluation.run(TestData.resourceDataset(), pred));
        assertTrue(e2.getMessage().contains("10x10") && e2.getMessage().startsWith(bad.toString()), e2.getMessage());
        assertThrows(ImageFileException.class, () -> Evaluation.run(TestData.resourceDataset(), dir.resolve("none")));
    }
}
