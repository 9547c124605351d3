package dev.nucleon.cli;

import dev.nucleon.core.Device;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.inference.ImageFileSegmentation;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.instance.InstanceSegmentation;
import dev.nucleon.segmentation.instance.NucleusMeasurement;
import dev.nucleon.segmentation.io.AtomicFileWriter;
import dev.nucleon.segmentation.dataset.RunLengthCsv;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nucleon segment INPUT... --out DIR}: finds, counts, measures and draws the nuclei of every image given
 * (files, or folders searched recursively), with the bundled model unless {@code --model} names another.
 * Per image {@code <name>_labels.png} (16-bit instance labels), {@code <name>_overlay.png} (outlines on the
 * image) and {@code <name>_nuclei.csv} (measurements); then {@code summary.csv} (image, nuclei, mean area) and,
 * with {@code --rle}, a contest-format submission. Prints the count per image. A file that cannot be read is
 * reported and skipped, the others are processed, and the exit code is then 1. Every file is written
 * atomically.
 */
@Command(name = "segment", mixinStandardHelpOptions = true,
        description = "Segment the nuclei of microscopy images: labels, overlay and measurements per image, and a "
                + "summary.")
public final class SegmentCommand implements Callable<Integer> {
    static final List<String> EXTENSIONS = List.of(".png", ".tif", ".tiff", ".jpg", ".jpeg", ".bmp");

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Image files or folders (searched recursively).")
    List<Path> inputs;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder (created).")
    Path out;

    @Option(names = "--model", paramLabel = "FILE", description = "Model file (default: the bundled model).")
    Path model;

    @Mixin
    DeviceChoice devices = new DeviceChoice();

    @Mixin
    InferenceOptions inference = new InferenceOptions();

    @Option(names = "--threshold", paramLabel = "P",
            description = "Probability threshold (default: the predictor's, " + Predictor.DEFAULT_THRESHOLD + ").")
    Float threshold;

    @Option(names = "--min-size", paramLabel = "PIXELS",
            description = "Smallest nucleus in pixels (default: the predictor's, " + Predictor.DEFAULT_MIN_SIZE + ").")
    Integer minSize;

    @Option(names = "--tta", description = "Flip test-time augmentation (4x slower, slightly smoother).")
    boolean tta;

    @Option(names = "--rle", paramLabel = "FILE", description = "Also write a DSB2018 submission CSV (ImageId,EncodedPixels).")
    Path rle;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (threshold != null && !(threshold > 0 && threshold < 1)) {
            throw new ParameterException(spec.commandLine(), "--threshold must be in (0, 1), got " + threshold);
        }
        if (minSize != null && minSize < 0) {
            throw new ParameterException(spec.commandLine(), "--min-size must be >= 0, got " + minSize);
        }
        Device dev = devices.resolve(err);
        if (dev == null) {
            return 1;
        }
        int failures = 0;
        List<Path> files = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                files.addAll(imagesIn(in));
            } else if (Files.isRegularFile(in)) {
                files.add(in);
            } else {
                err.println("segment: " + in + ": no such file or folder, skipped");
                failures++;
            }
        }
        if (files.isEmpty()) {
            err.println("segment: no images found in " + inputs);
            err.flush();
            return 1;
        }
        Predictor predictor;
        if (model != null) {
            if (!Files.isRegularFile(model)) {
                err.println("segment: " + model + ": no such model file");
                err.flush();
                return 1;
            }
            predictor = Predictor.load(model);
        } else {
            predictor = Predictor.bundled();
        }
        InstanceSegmentation post = predictor.postProcessing();
        if (threshold != null) {
            post = post.withThreshold(threshold);
        }
        if (minSize != null) {
            post = post.withMinObjectArea(minSize);
        }
        inference.apply(predictor).device(dev).flipTta(tta).postProcessing(post);
        Files.createDirectories(out);
        StringBuilder summary = new StringBuilder("image,nuclei,mean_area\n");
        Map<String, LabelImage> submission = new LinkedHashMap<>();
        Map<String, Integer> used = new LinkedHashMap<>();
        int segmented = 0;
        for (Path file : files) {
            String name = unique(nameOf(file), used);
            try {
                ImageFileSegmentation.Result result = ImageFileSegmentation.run(predictor, file,
                        out.resolve(name + "_labels.png"), out.resolve(name + "_overlay.png"),
                        out.resolve(name + "_nuclei.csv")); // big images stream; > 65,535 nuclei: 32-bit .tif
                List<NucleusMeasurement> rows = result.nuclei();
                double meanArea = rows.stream().mapToInt(NucleusMeasurement::area).average().orElse(0);
                summary.append(csv(name)).append(',').append(rows.size()).append(',')
                        .append(String.format(Locale.ROOT, "%.1f", meanArea)).append('\n');
                if (rle != null) {
                    submission.put(name, result.labels()); // label maps are kept only for --rle
                }
                segmented++;
                stdout.printf(Locale.ROOT, "%s: %d nuclei%n", name, rows.size());
                stdout.flush();
            } catch (IOException | RuntimeException e) {
                err.println("segment: " + file + ": " + FailureMessage.of(e) + ", skipped");
                err.flush();
                failures++;
            }
        }
        AtomicFileWriter.writeString(out.resolve("summary.csv"), summary);
        if (rle != null) {
            RunLengthCsv.write(rle, submission, false);
        }
        stdout.printf(Locale.ROOT, "%d image(s) segmented, %d failed; results in %s%n", segmented, failures,
                out);
        stdout.flush();
        return failures == 0 ? 0 : 1;
    }

    /**
     * Images under a folder, sorted: every file with an image extension, except label maps ({@code labels.png},
     * {@code *_labels.*}), overlays ({@code *_overlay.*}) and per-nucleus masks ({@code masks/} folders).
     */
    static List<Path> imagesIn(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).filter(SegmentCommand::isImage).sorted().toList();
        }
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (EXTENSIONS.stream().noneMatch(n::endsWith)) {
            return false;
        }
        String stem = n.substring(0, n.lastIndexOf('.'));
        if (stem.equals("labels") || stem.endsWith("_labels") || stem.endsWith("_overlay") || n.startsWith(".")) {
            return false;
        }
        Path parent = p.getParent();
        return parent == null || parent.getFileName() == null || !parent.getFileName().toString().equals("masks");
    }

    /** {@code <id>/image.png} and {@code <id>/images/<id>.png} are named by their sample folder, others by stem. */
    static String nameOf(Path file) {
        String n = file.getFileName().toString();
        String stem = n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n;
        Path parent = file.toAbsolutePath().getParent();
        if (stem.equals("image") && parent != null && parent.getFileName() != null) {
            return parent.getFileName().toString();
        }
        return stem;
    }

    private static String unique(String name, Map<String, Integer> used) {
        int k = used.merge(name, 1, Integer::sum);
        return k == 1 ? name : name + "-" + k;
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
