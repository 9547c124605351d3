package dev.nucleon.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nucleon.segmentation.dataset.Dsb2018Dataset;
import dev.nucleon.segmentation.dataset.ImageKind;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.dataset.RunLengthEncoding;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.instance.InstanceSegmentation;
import dev.nucleon.segmentation.metrics.EvaluationReport;
import dev.nucleon.segmentation.metrics.Evaluation;
import dev.nucleon.segmentation.metrics.ImageScore;
import dev.nucleon.segmentation.metrics.MeanAveragePrecision;
import dev.nucleon.segmentation.morphology.ConnectedComponents;
import dev.nucleon.segmentation.morphology.Connectivity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks on the real DSB2018 stage1_train in shared/ (skipped when it is absent). */
class RealDsb2018Test {
    static Dsb2018Dataset dataset;

    @BeforeAll
    static void open() throws IOException {
        assumeTrue(TestData.dsb2018().isPresent(), "shared/datasets/dsb2018 not found: skipping real-data checks");
        dataset = Dsb2018Dataset.open(TestData.dsb2018().get());
    }

    /** Every 67th sample: 10 images of all sizes and kinds. */
    static List<NucleiSample> some() {
        return java.util.stream.IntStream.range(0, 10).mapToObj(i -> dataset.samples().get(i * 67)).toList();
    }

    @Test
    void datasetHasTheDocumentedCounts() throws IOException {
        assertEquals(670, dataset.size());
        assertEquals(562, dataset.filter(ImageKind.GRAY).size());
        assertEquals(108, dataset.filter(ImageKind.COLOUR).size());
        assertEquals(134, dataset.split(0.2, 1).validation().size());
    }

    @Test
    void truthAgainstItselfScoresOneAndRleRoundTrips() throws IOException {
        for (NucleiSample s : some()) {
            LabelImage t = s.readLabels();
            ImageScore score = MeanAveragePrecision.score(s.id(), t, t);
            assertEquals(1.0, score.score(), 0.0, s.id());
            assertEquals(t.maxLabel(), score.truthCount());
            List<String> rles = RunLengthEncoding.encodeLabels(t);
            assertEquals(t, RunLengthEncoding.decodeLabels(rles, t.width(), t.height()), s.id());
        }
    }

    @Test
    void componentsOfTheBinaryTruthNeverOutnumberNuclei() throws IOException {
        for (NucleiSample s : some()) {
            LabelImage t = s.readLabels();
            int cc = ConnectedComponents.count(t.foreground(), Connectivity.EIGHT);
            assertTrue(cc <= t.maxLabel(), s.id() + ": " + cc + " components, " + t.maxLabel() + " nuclei");
            // watershed splitting of the binary truth recovers at least as many objects as plain components
            LabelImage split = InstanceSegmentation.defaults().withMinObjectArea(0).withMaxHoleArea(0)
                    .segmentMask(t.foreground());
            assertTrue(split.maxLabel() >= cc, s.id());
            FloatImage img = s.readImage();
            assertEquals(t.width(), img.width());
        }
    }

    @Test
    void evaluatingAnEmptyPredictionFolderWarnsForEveryImage(@TempDir Path dir) throws IOException {
        Path pred = Files.createDirectories(dir.resolve("pred"));
        for (NucleiSample s : some()) {
            Files.copy(s.labelsFile(), pred.resolve(s.id() + "_labels.png"));
        }
        EvaluationReport r = Evaluation.run(TestData.dsb2018().get(), pred);
        assertEquals(670, r.images().size());
        assertEquals(660, r.missingCount());
        assertEquals(10.0 / 670.0, r.meanAp(), 1e-12);
        assertEquals(660, r.warnings().size());
    }
}
