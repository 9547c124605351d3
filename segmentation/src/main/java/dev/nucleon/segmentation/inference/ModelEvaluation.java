package dev.nucleon.segmentation.inference;

import dev.nucleon.segmentation.dataset.ImageFeatures;
import dev.nucleon.segmentation.dataset.ImageKind;
import dev.nucleon.segmentation.dataset.NucleiKind;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileWriter;
import dev.nucleon.segmentation.metrics.AverageIou;
import dev.nucleon.segmentation.metrics.EvaluationReport;
import dev.nucleon.segmentation.metrics.ImageScore;
import dev.nucleon.segmentation.metrics.InstanceErrors;
import dev.nucleon.segmentation.metrics.KindReport;
import dev.nucleon.segmentation.metrics.LabelOverlap;
import dev.nucleon.segmentation.metrics.MeanAveragePrecision;
import dev.nucleon.segmentation.metrics.PixelMetrics;
import dev.nucleon.segmentation.dataset.TrainingSample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a {@link Predictor} over samples with truth, writes each prediction as {@code <id>_labels.png} into a
 * folder, and scores it exactly as {@code nucleon evaluate --truth --pred} does (DSB2018 thresholds, the average
 * IoU at 0.5, paper 004's average IoU and precision, pixel metrics), keeping the grayscale/colour kind of every
 * image, its {@link InstanceErrors} and its {@link NucleiKind} (a {@link KindReport}).
 */
public final class ModelEvaluation {
    /**
     * The report plus the scores split by image kind.
     *
     * @param report the scores of every image (DSB2018 mean AP and the rest)
     * @param gray   the scores of the grayscale images
     * @param colour the scores of the colour images
     * @param byKind scores and instance errors by {@link NucleiKind}
     */
    public record Result(EvaluationReport report, List<ImageScore> gray, List<ImageScore> colour, KindReport byKind) {
        /** {@return the mean AP over the grayscale images, NaN when there are none} */
        public double grayScore() {
            return gray.isEmpty() ? Double.NaN : MeanAveragePrecision.mean(gray);
        }

        /** {@return the mean AP over the colour images, NaN when there are none} */
        public double colourScore() {
            return colour.isEmpty() ? Double.NaN : MeanAveragePrecision.mean(colour);
        }

        /** {@return instance errors by image id, in the order scored} */
        public Map<String, InstanceErrors> errors() {
            Map<String, InstanceErrors> m = new LinkedHashMap<>();
            byKind.images().forEach(i -> m.put(i.id(), i.errors()));
            return m;
        }
    }

    /**
     * Where a run stands after one more image.
     *
     * @param result         the image just scored
     * @param errors         its instance errors
     * @param kind           its kind
     * @param done           images scored so far (1..total)
     * @param total          images to score (those with truth)
     * @param elapsedSeconds seconds since the run started
     */
    public record Progress(EvaluationReport.ImageResult result, InstanceErrors errors, NucleiKind kind, int done,
                           int total, double elapsedSeconds) {
        /** {@return done / elapsed} */
        public double imagesPerSecond() {
            return elapsedSeconds > 0 ? done / elapsedSeconds : Double.NaN;
        }

        /** {@return seconds left at the rate so far (0 when done)} */
        public double etaSeconds() {
            if (done >= total) {
                return 0;
            }
            double rate = imagesPerSecond();
            return rate > 0 ? (total - done) / rate : Double.NaN;
        }

        /** {@return the progress line, e.g. {@code [12/152] 1.84 img/s  ETA 1m16s  0a7d30b2  fluo-small  score 0.6123}} */
        public String toLine() {
            String id = result.id();
            return String.format(Locale.ROOT, "[%d/%d] %.2f img/s  ETA %s  %s  %s  score %.4f", done, total,
                    imagesPerSecond(), duration(etaSeconds()), id.length() > 8 ? id.substring(0, 8) : id,
                    kind.label(), result.score().score());
        }

        /**
         * {@return seconds as {@code 45s}, {@code 3m07s} or {@code 2h05m}; {@code ?} when not finite}
         *
         * @param seconds a duration in seconds, ≥ 0, or NaN
         */
        public static String duration(double seconds) {
            if (!Double.isFinite(seconds)) {
                return "?";
            }
            long s = Math.round(seconds);
            if (s < 60) {
                return s + "s";
            }
            if (s < 3600) {
                return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
            }
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
    }

    private ModelEvaluation() {
    }

    /**
     * Segments every sample that has truth, writes each prediction to {@code predictionFolder} and scores it.
     * Kinds are measured from each image ({@link ImageFeatures} of the image and its truth).
     *
     * @param predictor        the model and its settings
     * @param samples          the images and their truth (samples without truth are skipped, with a warning)
     * @param predictionFolder where the predicted label maps go (created when missing)
     * @param progress         told about each image after it is scored (may be null)
     * @return the scores
     * @throws IOException when an image, its truth or a prediction cannot be read or written
     */
    public static Result run(Predictor predictor, List<NucleiSample> samples, Path predictionFolder,
                             Consumer<EvaluationReport.ImageResult> progress) throws IOException {
        Consumer<Progress> each = progress == null ? null : p -> progress.accept(p.result());
        return run(predictor, samples, predictionFolder, null, each);
    }

    /**
     * As {@link #run(Predictor, List, Path, Consumer)}, with known kinds and a fuller progress report.
     *
     * @param predictor        the model and its settings
     * @param samples          the images and their truth (samples without truth are skipped, with a warning)
     * @param predictionFolder where the predicted label maps go (created when missing)
     * @param kinds            kind by image id (e.g. {@link dev.nucleon.segmentation.dataset.GroupedSplit#kinds()});
     *                         null, or an id missing from it: measured from the image and its truth
     * @param progress         told after each image is scored: done / total, rate, ETA (may be null)
     * @return the scores
     * @throws IOException when an image, its truth or a prediction cannot be read or written
     */
    public static Result run(Predictor predictor, List<NucleiSample> samples, Path predictionFolder,
                             Map<String, NucleiKind> kinds, Consumer<Progress> progress) throws IOException {
        Files.createDirectories(predictionFolder);
        List<String> warnings = new ArrayList<>();
        int total = 0;
        for (NucleiSample s : samples) {
            if (s.hasTruth()) {
                total++;
            } else {
                warnings.add("image " + s.id() + " has no truth (no labels.png or masks/): skipped");
            }
        }
        Scoring scoring = new Scoring(predictionFolder, total, progress);
        for (NucleiSample s : samples) {
            if (!s.hasTruth()) {
                continue;
            }
            FloatImage image = s.readImage();
            LabelImage truth = s.readLabels();
            NucleiKind kind = kinds == null ? null : kinds.get(s.id());
            scoring.add(s.id(), image, ImageKind.of(image), truth, predictor.segment(image), kind);
        }
        return scoring.result(warnings);
    }

    /**
     * As {@link #run(Predictor, List, Path, Map, Consumer)}, on samples already converted to the model's network
     * input (e.g. the validation patches of a recipe's own split, {@link
     * dev.nucleon.segmentation.recipes.Recipes#prepare}); kinds are measured on the converted input.
     *
     * @param predictor        the model and its settings
     * @param samples          converted images with their truth
     * @param predictionFolder where the predicted label maps go (created when missing)
     * @param progress         told after each image is scored (may be null)
     * @return the scores
     * @throws IOException when a prediction cannot be written
     */
    public static Result runPrepared(Predictor predictor, List<TrainingSample> samples, Path predictionFolder,
                                     Consumer<Progress> progress) throws IOException {
        Files.createDirectories(predictionFolder);
        Scoring scoring = new Scoring(predictionFolder, samples.size(), progress);
        for (TrainingSample s : samples) {
            scoring.add(s.id(), s.input(), s.kind(), s.labels(), predictor.segmentInput(s.input()), null);
        }
        return scoring.result(new ArrayList<>());
    }

    /** The scores, kinds and progress of one run, image by image. */
    private static final class Scoring {
        private final double[] thresholds = MeanAveragePrecision.dsb2018Thresholds();
        private final List<EvaluationReport.ImageResult> results = new ArrayList<>();
        private final List<ImageScore> gray = new ArrayList<>(), colour = new ArrayList<>();
        private final List<KindReport.Image> images = new ArrayList<>();
        private final Map<String, NucleiKind> kindOf = new LinkedHashMap<>();
        private final Path folder;
        private final int total;
        private final Consumer<Progress> progress;
        private final long start = System.nanoTime();

        Scoring(Path folder, int total, Consumer<Progress> progress) {
            this.folder = folder;
            this.total = total;
            this.progress = progress;
        }

        /** Writes the prediction as {@code <id>_labels.png} and scores it; {@code kind} null: measured. */
        void add(String id, FloatImage image, ImageKind imageKind, LabelImage truth, LabelImage pred, NucleiKind kind)
                throws IOException {
            Path file = folder.resolve(id + "_labels.png");
            ImageFileWriter.writeLabels(pred, file);
            LabelOverlap overlap = LabelOverlap.of(truth, pred);
            ImageScore score = MeanAveragePrecision.score(id, truth, pred, overlap, thresholds,
                    AverageIou.DEFAULT_THRESHOLD);
            EvaluationReport.ImageResult r = new EvaluationReport.ImageResult(id, score, PixelMetrics.of(truth, pred),
                    file);
            results.add(r);
            (imageKind == ImageKind.GRAY ? gray : colour).add(score);
            NucleiKind k = kind != null ? kind : NucleiKind.of(ImageFeatures.of(image, truth));
            kindOf.put(id, k);
            InstanceErrors errors = InstanceErrors.of(overlap);
            images.add(new KindReport.Image(id, score, errors));
            if (progress != null) {
                progress.accept(new Progress(r, errors, k, results.size(), total, (System.nanoTime() - start) / 1e9));
            }
        }

        Result result(List<String> warnings) {
            return new Result(new EvaluationReport(results, warnings, thresholds), gray, colour,
                    KindReport.of(images, kindOf));
        }
    }
}
