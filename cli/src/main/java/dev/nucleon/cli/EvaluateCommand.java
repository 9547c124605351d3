package dev.nucleon.cli;

import dev.nucleon.core.Device;
import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.segmentation.dataset.Dsb2018Dataset;
import dev.nucleon.segmentation.dataset.GroupedSplit;
import dev.nucleon.segmentation.dataset.NucleiKind;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.dataset.TrainingSample;
import dev.nucleon.segmentation.inference.ModelEvaluation;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.io.JsonWriter;
import dev.nucleon.segmentation.metrics.Evaluation;
import dev.nucleon.segmentation.metrics.EvaluationMetric;
import dev.nucleon.segmentation.metrics.EvaluationReport;
import dev.nucleon.segmentation.metrics.KindReport;
import dev.nucleon.segmentation.recipes.Recipe;
import dev.nucleon.segmentation.recipes.Recipes;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nucleon evaluate --data DIR [--model FILE] [--split grouped|random|none] [--split-fraction F]
 * [--split-seed S]}: runs a model (the bundled one by default) over a DSB2018-layout folder, or over the
 * validation part of one of its splits, writes the predictions and scores them, by image kind too: the grayscale /
 * colour line and a table by {@link NucleiKind} with instance errors ({@link KindReport}, also written as
 * {@code kinds.json} and the chart {@code kinds.png} beside the predictions). A progress line per image goes to
 * stderr.
 *
 * <p>Splits, the validation parts of those of {@code nucleon train --split} with the same fraction and seed:
 * {@code grouped} ({@link GroupedSplit}, fraction 0.2, the default) holds out whole groups of look-alike images per
 * kind; {@code random} draws images at random (fraction 0.1); {@code none} scores every image. For compatibility with earlier versions, {@code --split-fraction F} without
 * {@code --split} means {@code random}.
 *
 * <p>{@code nucleon evaluate --truth DIR --pred DIR [--json]}: scores predicted instance label maps
 * ({@code <id>_labels.png} or {@code <id>/labels.png}, PNG or TIFF) against a DSB2018-layout dataset folder
 * and prints the official score, the per-threshold scores, paper 004's average IoU, the pixel metrics and, when the
 * truth folder's images can be read, the table by nuclei kind.
 * All the work is in {@link Evaluation}, {@link ModelEvaluation} and {@link KindReport}; this class only parses
 * options and prints.
 *
 * <p>{@code --metric paper004} adds paper 004's average IoU and precision ({@code Paper004Score}: a prediction is a
 * false positive only when it overlaps no true nucleus) next to the official score, which stays the default
 * ({@code --metric official}), in the summary, the table by kind, the JSON and {@code kinds.json}.
 * <p>No {@code --channel}/{@code --page} (unlike {@code segment}): {@code --data} reads DSB2018 folders, whose
 * images are one-page gray or RGB(A) PNGs converted automatically, and {@code --truth}/{@code --pred} read label
 * maps, which have one plane by definition.
 * Exit code 0 when scored, 1 on bad input (missing folder, an image without prediction — scored, listed, then exit
 * 1 —, unreadable or corrupt file), 2 on bad or missing options.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Score predicted label maps against a DSB2018 dataset folder (mean AP over IoU 0.50:0.95, "
                + "average IoU, pixel metrics).",
                "Either --truth DIR --pred DIR (score existing predictions), or --data DIR [--model FILE] (run the "
                        + "model, default the bundled one, then score)."})
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--truth", paramLabel = "DIR",
            description = "Dataset folder: <id>/image.png + labels.png, or <id>/images/ + masks/.")
    Path truth;

    @Option(names = "--pred", paramLabel = "DIR", description = "Predictions: <id>_labels.png or <id>/labels.png.")
    Path pred;

    @Option(names = "--data", paramLabel = "DIR", description = "Run the model on this dataset folder, then score.")
    Path data;

    @Option(names = "--model", paramLabel = "FILE", description = "With --data: model file (default: the bundled model).")
    Path model;

    @Option(names = "--recipe", paramLabel = "NAME",
            description = "With --data: score the validation part of that recipe's own split (nucleon train "
                    + "--list-recipes; e.g. paper 004's 8:2 split of 256x256 patches, seed --split-seed), converted "
                    + "as the recipe converts it; the model must use the recipe's input conversion.")
    String recipe;

    @Option(names = "--split", paramLabel = "grouped|random|none",
            description = {"With --data: which images to score, the validation part of the split nucleon train "
                    + "--split makes with the same fraction and seed. grouped (default): whole groups of look-alike "
                    + "images held out per nuclei kind, fraction 0.2; random: images drawn at random, fraction 0.1; "
                    + "none: every image.",
                    "For compatibility, --split-fraction alone (no --split) means random."})
    String split;

    @Option(names = "--split-fraction", paramLabel = "F",
            description = "With --data: validation fraction of the split (default 0.2 grouped, 0.1 random). Without "
                    + "--split it selects the random split, as in earlier versions.")
    Double splitFraction;

    @Option(names = "--split-seed", defaultValue = "2018", description = "Seed of that split, default ${DEFAULT-VALUE}.")
    long splitSeed;

    @Option(names = "--pred-out", paramLabel = "DIR",
            description = "With --data: where the predicted label maps go (default: a temporary folder).")
    Path predOut;

    @Option(names = "--tta", description = "With --data: flip test-time augmentation.")
    boolean tta;

    @Mixin
    DeviceChoice devices = new DeviceChoice();

    @Mixin
    InferenceOptions inference = new InferenceOptions();

    @Option(names = "--metric", paramLabel = "official|paper004", defaultValue = "official",
            description = "official (default): the DSB2018 score; paper004: also paper 004's average IoU and precision "
                    + "(false positive = a prediction overlapping no true nucleus), next to the official score.")
    String metric;

    @Option(names = "--quiet", description = "With --data: no progress line per image on stderr (warnings, errors "
            + "and the report are still printed).")
    boolean quiet;

    @Option(names = "--json", description = "Print one JSON object (mean_ap, ap_by_threshold, avg_iou, pixel, images, "
            + "kinds: the table by nuclei kind; with --data also split; with --metric paper004 also paper004).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        metric();
        if (data != null) {
            if (truth != null || pred != null) {
                throw new ParameterException(spec.commandLine(), "give either --data or --truth/--pred, not both");
            }
            return runModel(out, err);
        }
        if (truth == null || pred == null) {
            throw new ParameterException(spec.commandLine(), "either --data DIR, or both --truth DIR and --pred DIR, "
                    + "are required" + (truth != null ? " (--pred is missing)" : pred != null ? " (--truth is missing)" : ""));
        }
        for (Path p : new Path[] {truth, pred}) {
            if (!Files.isDirectory(p)) {
                err.println("evaluate: " + p + ": not a folder");
                return 1;
            }
        }
        EvaluationReport report;
        try {
            report = Evaluation.run(truth, pred);
        } catch (IOException | RuntimeException e) {
            err.println("evaluate: " + e.getMessage());
            return 1;
        }
        KindReport kinds = null;
        try {
            kinds = KindReport.of(report, Dsb2018Dataset.open(truth));
        } catch (IOException | RuntimeException e) {
            err.println("warning: no table by nuclei kind (the truth folder's images could not be measured): "
                    + e.getMessage());
        }
        print(report, kinds, null, out, err);
        if (report.missingCount() > 0) {
            List<String> missing = report.images().stream().filter(EvaluationReport.ImageResult::missing)
                    .map(EvaluationReport.ImageResult::id).toList();
            err.println("evaluate: " + pred + ": no prediction for " + missing.size() + " of " + report.images().size()
                    + " images (" + String.join(", ", missing.subList(0, Math.min(10, missing.size())))
                    + (missing.size() > 10 ? ", ..." : "") + "), scored as empty");
            err.flush();
            return 1;
        }
        return 0;
    }

    private Integer runModel(PrintWriter out, PrintWriter err) throws IOException {
        inference.validate();
        devices.validate();
        if (!Files.isDirectory(data)) {
            err.println("evaluate: " + data + ": not a folder");
            err.flush();
            return 1;
        }
        String mode = split != null ? split.trim().toLowerCase(Locale.ROOT)
                : splitFraction != null ? "random" : "grouped";
        if (!List.of("grouped", "random", "none").contains(mode)) {
            throw new ParameterException(spec.commandLine(), "--split must be grouped, random or none, got " + split);
        }
        if (mode.equals("none") && splitFraction != null) {
            throw new ParameterException(spec.commandLine(), "--split none scores every image: drop --split-fraction");
        }
        double fraction = splitFraction != null ? splitFraction : mode.equals("grouped") ? 0.2 : 0.1;
        if (!mode.equals("none") && !(fraction > 0 && fraction < 1)) {
            throw new ParameterException(spec.commandLine(), "--split-fraction must be in (0, 1), got " + fraction);
        }
        if (model != null && !Files.isRegularFile(model)) {
            err.println("evaluate: " + model + ": no such model file");
            err.flush();
            return 1;
        }
        if (recipe != null) {
            return runRecipe(out, err);
        }
        Dsb2018Dataset dataset = Dsb2018Dataset.open(data);
        List<NucleiSample> samples;
        Map<String, NucleiKind> kinds = null;
        GroupedSplit grouped = null;
        switch (mode) {
            case "grouped" -> {
                List<NucleiSample> withTruth = dataset.samples().stream().filter(NucleiSample::hasTruth).toList();
                err.printf(Locale.ROOT, "grouped split: measuring %d images%n", withTruth.size());
                err.flush();
                int threads = Runtime.getRuntime().availableProcessors();
                GroupedSplit g = GroupedSplit.of(withTruth, fraction, splitSeed, threads);
                grouped = g;
                samples = g.validation();
                kinds = g.kinds();
                err.printf(Locale.ROOT, "grouped split: scoring %d of %d images (fraction %s, seed %d)%n",
                        samples.size(), withTruth.size(), fraction, splitSeed);
            }
            case "random" -> samples = dataset.split(fraction, splitSeed).validation();
            default -> samples = dataset.samples();
        }
        Predictor predictor = model != null ? Predictor.load(model) : Predictor.bundled();
        Device dev = devices.resolve(err);
        if (dev == null) {
            return 1;
        }
        inference.apply(predictor).device(dev).flipTta(tta);
        Path folder = predOut != null ? predOut : Files.createTempDirectory("nucleon-eval-");
        if (grouped != null) {
            Files.createDirectories(folder);
            AtomicFileWriter.writeString(folder.resolve("split.csv"), grouped.toCsv());
        }
        ModelEvaluation.Result r = ModelEvaluation.run(predictor, samples, folder, kinds, p -> {
            if (!quiet) {
                err.println(p.toLine());
                err.flush();
            }
        });
        KindReport byKind = r.byKind();
        byKind.writeJson(folder.resolve("kinds.json"), metric());
        byKind.writeChart(folder.resolve("kinds.png"));
        int scored = r.report().images().size();
        Consumer<JsonWriter> splitJson = j -> {
            j.name("split").beginObject().name("mode").value(mode);
            if (!mode.equals("none")) {
                j.name("fraction").value(fraction).name("seed").value(splitSeed);
            }
            j.name("images").value(scored).endObject();
        };
        print(r.report(), byKind, splitJson, out, err);
        if (!json) {
            out.printf(Locale.ROOT, "by kind              grayscale %.4f (%d images)  colour %.4f (%d images)%n",
                    r.grayScore(), r.gray().size(), r.colourScore(), r.colour().size());
            out.println("split                " + mode + (mode.equals("none") ? ""
                    : String.format(Locale.ROOT, " (fraction %s, seed %d)", fraction, splitSeed)));
            out.println("predictions          " + folder);
            out.println("by nuclei kind       " + folder.resolve("kinds.json") + ", " + folder.resolve("kinds.png")
                    + (grouped != null ? ", split " + folder.resolve("split.csv") : ""));
        }
        out.flush();
        return 0;
    }

    /** {@code --recipe NAME}: the validation samples of the recipe's own split, scored as prepared. */
    private Integer runRecipe(PrintWriter out, PrintWriter err) throws IOException {
        Recipe r;
        try {
            r = Recipes.get(recipe);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (split != null || splitFraction != null) {
            throw new ParameterException(spec.commandLine(), "--recipe scores the recipe's own split: drop --split and "
                    + "--split-fraction");
        }
        Predictor predictor = model != null ? Predictor.load(model) : Predictor.bundled();
        if (!predictor.input().equals(r.input())) {
            err.println("evaluate: " + (model != null ? model : "the bundled model") + " converts its input with "
                    + predictor.input() + ", recipe " + r.name() + " with " + r.input());
            err.flush();
            return 1;
        }
        Device dev = devices.resolve(err);
        if (dev == null) {
            return 1;
        }
        inference.apply(predictor).device(dev).flipTta(tta);
        PrintStream log = new PrintStream(new WriterOutputStream(err), true);
        List<TrainingSample> samples;
        try {
            samples = Recipes.prepare(r, Dsb2018Dataset.open(data).samples(), splitSeed, log).validation();
        } catch (IllegalArgumentException e) {
            err.println("evaluate: " + data + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        err.printf(Locale.ROOT, "recipe %s: scoring its %d validation samples (seed %d)%n", r.name(), samples.size(),
                splitSeed);
        err.flush();
        Path folder = predOut != null ? predOut : Files.createTempDirectory("nucleon-eval-");
        ModelEvaluation.Result result = ModelEvaluation.runPrepared(predictor, samples, folder, p -> {
            if (!quiet) {
                err.println(p.toLine());
                err.flush();
            }
        });
        KindReport byKind = result.byKind();
        byKind.writeJson(folder.resolve("kinds.json"), metric());
        byKind.writeChart(folder.resolve("kinds.png"));
        print(result.report(), byKind, j -> j.name("split").beginObject().name("mode").value("recipe")
                .name("recipe").value(r.name()).name("seed").value(splitSeed)
                .name("images").value(samples.size()).endObject(), out, err);
        if (!json) {
            out.println("split                recipe " + r.name() + " (its validation samples, seed " + splitSeed + ")");
            out.println("predictions          " + folder);
        }
        out.flush();
        return 0;
    }

    /** The {@code --metric} value; an unknown name is a usage error listing the known ones. */
    private EvaluationMetric metric() {
        try {
            return EvaluationMetric.parse(metric);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--metric must be one of " + EvaluationMetric.labels()
                    + ", got " + metric);
        }
    }

    /**
     * Prints the report (warnings to stderr) and, when given, the table by nuclei kind; {@code more} adds members to
     * the JSON object (may be null).
     */
    private void print(EvaluationReport report, KindReport kinds, Consumer<JsonWriter> more, PrintWriter out,
                       PrintWriter err) {
        EvaluationMetric m = metric();
        for (String w : report.warnings()) {
            err.println("warning: " + w);
        }
        if (json) {
            out.println(report.toJson(j -> {
                if (more != null) {
                    more.accept(j);
                }
                if (kinds != null) {
                    kinds.writeRows(j.name("kinds"), m);
                }
            }, m));
        } else {
            String text = report.toText(m);
            // warnings already went to stderr
            StringBuilder sb = new StringBuilder();
            for (String line : text.split("\n")) {
                if (!line.startsWith("warning: ")) {
                    sb.append(line).append('\n');
                }
            }
            if (kinds != null) {
                sb.append("\nby nuclei kind (score: mean AP over IoU 0.50:0.95; nuclei counts at IoU 0.5: true = "
                        + "matched + merged + split + missed, predicted = matched + false pos)\n");
                if (m == EvaluationMetric.PAPER004) {
                    sb.append("paper 004 (mean ± std over images): avg IoU 004 = average IoU over IoU thresholds "
                            + "0.50:0.95, prec 004 = its precision, false positive only where a prediction overlaps "
                            + "no true nucleus\n");
                }
                sb.append(kinds.toText(m)).append('\n');
            }
            out.print(sb);
        }
        out.flush();
        err.flush();
    }
}
