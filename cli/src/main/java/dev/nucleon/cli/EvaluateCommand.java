package dev.nucleon.cli;

import dev.nucleon.core.Device;
import dev.nucleon.segmentation.dataset.Dsb2018Dataset;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.inference.ModelEvaluation;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.metrics.Evaluation;
import dev.nucleon.segmentation.metrics.EvaluationReport;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nucleon evaluate --data DIR [--model FILE] [--split-fraction F --split-seed S]}: runs a model (the
 * bundled one by default) over a DSB2018-layout folder (or the validation part of its seeded split), writes
 * the predictions and scores them, by image kind too.
 *
 * <p>{@code nucleon evaluate --truth DIR --pred DIR [--json]}: scores predicted instance label maps
 * ({@code <id>_labels.png} or {@code <id>/labels.png}, PNG or TIFF) against a DSB2018-layout dataset folder
 * and prints the official score, the per-threshold scores, paper 004's average IoU and the pixel metrics.
 * All the work is in {@link Evaluation}; this class only parses options and prints.
 * Exit code 0 when scored, 1 on bad input (missing option or folder, unreadable or corrupt file).
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

    @Option(names = "--split-fraction", paramLabel = "F",
            description = "With --data: score only the validation part of the seeded split with this fraction "
                    + "(as nucleon train --val-fraction).")
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

    @Option(names = "--json", description = "Print one JSON object (mean_ap, ap_by_threshold, avg_iou, pixel, images).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (data != null) {
            if (truth != null || pred != null) {
                throw new ParameterException(spec.commandLine(), "give either --data or --truth/--pred, not both");
            }
            return runModel(out, err);
        }
        if (truth == null || pred == null) {
            err.println("evaluate: either --data DIR, or both --truth DIR and --pred DIR, are required");
            return 1;
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
        print(report, out, err);
        return 0;
    }

    private Integer runModel(PrintWriter out, PrintWriter err) throws IOException {
        if (!Files.isDirectory(data)) {
            err.println("evaluate: " + data + ": not a folder");
            err.flush();
            return 1;
        }
        if (splitFraction != null && !(splitFraction > 0 && splitFraction < 1)) {
            throw new ParameterException(spec.commandLine(), "--split-fraction must be in (0, 1), got " + splitFraction);
        }
        if (model != null && !Files.isRegularFile(model)) {
            err.println("evaluate: " + model + ": no such model file");
            err.flush();
            return 1;
        }
        Dsb2018Dataset dataset = Dsb2018Dataset.open(data);
        List<NucleiSample> samples = splitFraction == null ? dataset.samples()
                : dataset.split(splitFraction, splitSeed).validation();
        Predictor predictor = model != null ? Predictor.load(model) : Predictor.bundled();
        Device dev = devices.resolve(err);
        if (dev == null) {
            return 1;
        }
        predictor.device(dev).flipTta(tta);
        Path folder = predOut != null ? predOut : Files.createTempDirectory("nucleon-eval-");
        ModelEvaluation.Result r = ModelEvaluation.run(predictor, samples, folder, null);
        print(r.report(), out, err);
        if (!json) {
            out.printf(Locale.ROOT, "by kind              grayscale %.4f (%d images)  colour %.4f (%d images)%n",
                    r.grayScore(), r.gray().size(), r.colourScore(), r.colour().size());
            out.println("predictions          " + folder);
        }
        out.flush();
        return 0;
    }

    private void print(EvaluationReport report, PrintWriter out, PrintWriter err) {
        for (String w : report.warnings()) {
            err.println("warning: " + w);
        }
        if (json) {
            out.println(report.toJson());
        } else {
            String text = report.toText();
            // warnings already went to stderr
            StringBuilder sb = new StringBuilder();
            for (String line : text.split("\n")) {
                if (!line.startsWith("warning: ")) {
                    sb.append(line).append('\n');
                }
            }
            out.print(sb);
        }
        out.flush();
        err.flush();
    }
}
