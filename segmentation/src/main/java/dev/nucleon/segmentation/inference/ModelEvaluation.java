package dev.nucleon.segmentation.inference;

import dev.nucleon.segmentation.dataset.ImageKind;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileWriter;
import dev.nucleon.segmentation.metrics.AverageIou;
import dev.nucleon.segmentation.metrics.EvaluationReport;
import dev.nucleon.segmentation.metrics.ImageScore;
import dev.nucleon.segmentation.metrics.LabelOverlap;
import dev.nucleon.segmentation.metrics.MeanAveragePrecision;
import dev.nucleon.segmentation.metrics.PixelMetrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a {@link Predictor} over samples with truth, writes each prediction as {@code <id>_labels.png} into a
 * folder, and scores it exactly as {@code nucleon evaluate --truth --pred} does (DSB2018 thresholds, paper
 * 004's average IoU at 0.5, pixel metrics), keeping the grayscale/colour kind of every image.
 */
public final class ModelEvaluation {
    /** The report plus the scores split by image kind. */
    public record Result(EvaluationReport report, List<ImageScore> gray, List<ImageScore> colour) {
        public double grayScore() {
            return gray.isEmpty() ? Double.NaN : MeanAveragePrecision.mean(gray);
        }

        public double colourScore() {
            return colour.isEmpty() ? Double.NaN : MeanAveragePrecision.mean(colour);
        }
    }

    private ModelEvaluation() {
    }

    /**
     * @param progress told about each image after it is scored (may be null)
     */
    public static Result run(Predictor predictor, List<NucleiSample> samples, Path predictionFolder,
                             Consumer<EvaluationReport.ImageResult> progress) throws IOException {
        Files.createDirectories(predictionFolder);
        double[] thresholds = MeanAveragePrecision.dsb2018Thresholds();
        List<EvaluationReport.ImageResult> results = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<ImageScore> gray = new ArrayList<>(), colour = new ArrayList<>();
        for (NucleiSample s : samples) {
            if (!s.hasTruth()) {
                warnings.add("image " + s.id() + " has no truth (no labels.png or masks/): skipped");
                continue;
            }
            FloatImage image = s.readImage();
            LabelImage truth = s.readLabels();
            LabelImage pred = predictor.segment(image);
            Path file = predictionFolder.resolve(s.id() + "_labels.png");
            ImageFileWriter.writeLabels(pred, file);
            ImageScore score = MeanAveragePrecision.score(s.id(), LabelOverlap.of(truth, pred), thresholds,
                    AverageIou.DEFAULT_THRESHOLD);
            EvaluationReport.ImageResult r = new EvaluationReport.ImageResult(s.id(), score,
                    PixelMetrics.of(truth, pred), file);
            results.add(r);
            (ImageKind.of(image) == ImageKind.GRAY ? gray : colour).add(score);
            if (progress != null) {
                progress.accept(r);
            }
        }
        return new Result(new EvaluationReport(results, warnings, thresholds), gray, colour);
    }
}
