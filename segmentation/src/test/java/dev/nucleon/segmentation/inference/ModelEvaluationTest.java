package dev.nucleon.segmentation.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.dataset.Dsb2018Dataset;
import dev.nucleon.segmentation.dataset.NucleiKind;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.metrics.EvaluationReport;
import dev.nucleon.segmentation.metrics.InstanceErrors;
import dev.nucleon.segmentation.metrics.KindReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelEvaluationTest {
    @TempDir
    Path dir;

    private Predictor predictor() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Checkpoint.save(file, PredictorTest.smallBnNet(5));
        return Predictor.load(file).patches(128, 128);
    }

    @Test
    void scoresEveryImageWithItsKindErrorsAndProgress() throws IOException {
        List<NucleiSample> samples = Dsb2018Dataset.open(TestData.resourceDataset()).samples();
        List<ModelEvaluation.Progress> steps = new ArrayList<>();
        Map<String, NucleiKind> given = Map.of(TestData.GRAY_ID, NucleiKind.FLUO_DENSE);
        ModelEvaluation.Result r = ModelEvaluation.run(predictor(), samples, dir.resolve("pred"), given, steps::add);

        assertEquals(3, r.report().images().size());
        assertEquals(2, r.gray().size());
        assertEquals(1, r.colour().size());
        KindReport k = r.byKind();
        assertEquals(NucleiKind.FLUO_DENSE, k.kinds().get(TestData.GRAY_ID), "a given kind is used");
        assertEquals(NucleiKind.COLOUR, k.kinds().get(TestData.COLOUR_ID), "a missing one is measured");
        assertEquals(3, k.all().images());
        assertEquals(r.report().meanAp(), k.all().score(), 1e-12);
        for (EvaluationReport.ImageResult i : r.report().images()) {
            InstanceErrors e = r.errors().get(i.id());
            assertEquals(i.score().truthCount(), e.truth());
            assertEquals(i.score().predCount(), e.predicted());
            assertEquals(i.score().truePositives()[0], e.matched());
            assertTrue(Files.isRegularFile(i.predictionFile()));
        }

        assertEquals(3, steps.size());
        for (int s = 0; s < 3; s++) {
            ModelEvaluation.Progress p = steps.get(s);
            assertEquals(s + 1, p.done());
            assertEquals(3, p.total());
            assertEquals(r.report().images().get(s), p.result());
            assertTrue(p.imagesPerSecond() > 0, p.toString());
        }
        ModelEvaluation.Progress last = steps.get(2);
        assertEquals(0.0, last.etaSeconds(), 0.0);
        assertTrue(last.toLine().startsWith("[3/3] ") && last.toLine().contains(" img/s  ETA 0s  "), last.toLine());
        assertTrue(steps.get(0).toLine().contains(TestData.GRAY_ID.substring(0, 8) + "  fluo-dense  score "),
                steps.get(0).toLine());
    }

    @Test
    void theOldSignatureStillReportsEachImageAndMeasuresKinds() throws IOException {
        List<NucleiSample> samples = Dsb2018Dataset.open(TestData.resourceDataset()).samples().subList(0, 1);
        List<EvaluationReport.ImageResult> seen = new ArrayList<>();
        ModelEvaluation.Result r = ModelEvaluation.run(predictor(), samples, dir.resolve("pred"), seen::add);
        assertEquals(r.report().images(), seen);
        assertEquals(1, r.byKind().kinds().size());
        assertEquals(2, r.byKind().rows().size(), "one kind and all");
    }

    @Test
    void durationsReadAsSecondsMinutesOrHours() {
        assertEquals("45s", ModelEvaluation.Progress.duration(44.6));
        assertEquals("3m07s", ModelEvaluation.Progress.duration(187));
        assertEquals("2h05m", ModelEvaluation.Progress.duration(7500));
        assertEquals("?", ModelEvaluation.Progress.duration(Double.NaN));
    }
}
