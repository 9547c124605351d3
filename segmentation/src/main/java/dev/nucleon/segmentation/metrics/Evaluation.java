package dev.nucleon.segmentation.metrics;

import dev.nucleon.segmentation.dataset.Dsb2018Dataset;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileException;
import dev.nucleon.segmentation.io.ImageFileReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Scores a folder of predicted instance label maps against a dataset folder (either DSB2018 layout, see
 * {@link Dsb2018Dataset}). The prediction of image {@code id} is the first that exists of
 * {@code <pred>/<id>_labels.png}, {@code <id>_labels.tif}, {@code <id>_labels.tiff},
 * {@code <pred>/<id>/labels.png}, {@code <id>/labels.tif}, {@code <id>/labels.tiff}.
 *
 * <p>A missing prediction is scored as an empty prediction and reported as a warning; a prediction file
 * that cannot be decoded, or whose size differs from the truth, is an {@link ImageFileException} naming
 * it. Prediction files that match no truth image are listed as warnings.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * Scores with the contest's thresholds, the average IoU at 0.5 and paper 004's scores ({@link Paper004Score}).
     *
     * @param truthFolder      a DSB2018-layout dataset folder (images and their true masks)
     * @param predictionFolder the predicted label maps, {@code <id>_labels.png} or {@code <id>/labels.png} (PNG or TIFF)
     * @return the report; an image without prediction is scored as empty and listed in its warnings
     * @throws IOException when a folder or a label map cannot be read, or a prediction's size differs from its truth
     */
    public static EvaluationReport run(Path truthFolder, Path predictionFolder) throws IOException {
        return run(truthFolder, predictionFolder, MeanAveragePrecision.dsb2018Thresholds(),
                AverageIou.DEFAULT_THRESHOLD);
    }

    /**
     * As {@link #run(Path, Path)} with other thresholds.
     *
     * @param truthFolder         a DSB2018-layout dataset folder
     * @param predictionFolder    the predicted label maps
     * @param thresholds          IoU thresholds of the mean AP, each ≥ 0.5
     * @param averageIouThreshold the IoU above which a true nucleus counts as found for {@link AverageIou}
     * @return the report
     * @throws IOException when a folder or a label map cannot be read, or a prediction's size differs from its truth
     */
    public static EvaluationReport run(Path truthFolder, Path predictionFolder, double[] thresholds,
                                       double averageIouThreshold) throws IOException {
        if (!Files.isDirectory(predictionFolder)) {
            throw new ImageFileException(predictionFolder, "prediction folder does not exist or is not a folder");
        }
        Dsb2018Dataset truth = Dsb2018Dataset.open(truthFolder);
        List<EvaluationReport.ImageResult> results = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (NucleiSample s : truth.samples()) {
            ids.add(s.id());
            if (!s.hasTruth()) {
                warnings.add("image " + s.id() + " has no truth (no labels.png or masks/): skipped");
                continue;
            }
            LabelImage t = s.readLabels();
            Path predFile = find(predictionFolder, s.id());
            LabelImage p;
            if (predFile == null) {
                warnings.add("no prediction for " + s.id() + " (looked for " + s.id() + "_labels.png or "
                        + s.id() + "/labels.png): scored as an empty prediction");
                p = LabelImage.empty(t.width(), t.height());
            } else {
                p = ImageFileReader.readLabels(predFile);
                if (p.width() != t.width() || p.height() != t.height()) {
                    throw new ImageFileException(predFile, "prediction is " + p.width() + "x" + p.height()
                            + ", truth image " + s.id() + " is " + t.width() + "x" + t.height());
                }
            }
            ImageScore score = MeanAveragePrecision.score(s.id(), t, p, LabelOverlap.of(t, p), thresholds,
                    averageIouThreshold);
            results.add(new EvaluationReport.ImageResult(s.id(), score, PixelMetrics.of(t, p), predFile));
        }
        warnings.addAll(strays(predictionFolder, ids));
        return new EvaluationReport(results, warnings, thresholds);
    }

    /**
     * {@return the prediction file of image {@code id}, or null}
     *
     * @param predictionFolder the predictions
     * @param id               the image's id
     */
    public static Path find(Path predictionFolder, String id) {
        for (String ext : new String[] {".png", ".tif", ".tiff"}) {
            Path p = predictionFolder.resolve(id + "_labels" + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        for (String ext : new String[] {".png", ".tif", ".tiff"}) {
            Path p = predictionFolder.resolve(id).resolve("labels" + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static List<String> strays(Path predictionFolder, Set<String> ids) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(predictionFolder)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                String name = p.getFileName().toString();
                String id = null;
                if (Files.isRegularFile(p)) {
                    String lower = name.toLowerCase(Locale.ROOT);
                    for (String ext : new String[] {"_labels.png", "_labels.tif", "_labels.tiff"}) {
                        if (lower.endsWith(ext)) {
                            id = name.substring(0, name.length() - ext.length());
                        }
                    }
                } else if (Files.isDirectory(p) && find(predictionFolder, name) != null) {
                    id = name;
                }
                if (id != null && !ids.contains(id)) {
                    out.add("prediction " + p + " matches no truth image: ignored");
                }
            }
        }
        return out;
    }
}
