package dev.nucleon.cli;

import dev.nucleon.segmentation.metrics.Evaluation;
import dev.nucleon.segmentation.metrics.EvaluationReport;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nucleon evaluate --truth DIR --pred DIR [--json]}: scores predicted instance label maps
 * ({@code <id>_labels.png} or {@code <id>/labels.png}, PNG or TIFF) against a DSB2018-layout dataset folder
 * and prints the official score, the per-threshold scores, paper 004's average IoU and the pixel metrics.
 * All the work is in {@link Evaluation}; this class only parses options and prints.
 * Exit code 0 when scored, 1 on bad input (missing option or folder, unreadable or corrupt file).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score predicted label maps against a DSB2018 dataset folder (mean AP over IoU 0.50:0.95, "
                + "average IoU, pixel metrics).")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--truth", paramLabel = "DIR",
            description = "Dataset folder: <id>/image.png + labels.png, or <id>/images/ + masks/.")
    Path truth;

    @Option(names = "--pred", paramLabel = "DIR", description = "Predictions: <id>_labels.png or <id>/labels.png.")
    Path pred;

    @Option(names = "--json", description = "Print one JSON object (mean_ap, ap_by_threshold, avg_iou, pixel, images).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (truth == null || pred == null) {
            err.println("evaluate: both --truth DIR and --pred DIR are required");
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
        return 0;
    }
}
