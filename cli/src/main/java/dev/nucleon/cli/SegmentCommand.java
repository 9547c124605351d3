package dev.nucleon.cli;

import dev.nucleon.core.Device;
import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.segmentation.dataset.RunLengthCsv;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.inference.ImageFileSegmentation;
import dev.nucleon.segmentation.inference.ModelEvaluation;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.instance.NucleusMeasurement;
import dev.nucleon.segmentation.instance.Paper004PostProcessing;
import dev.nucleon.segmentation.preprocess.NetworkInput;
import dev.nucleon.segmentation.io.Csv;
import dev.nucleon.segmentation.io.ImageFileException;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.io.ImageFileWriter;
import dev.nucleon.segmentation.io.Overlay;
import dev.nucleon.segmentation.output.ImageOutputFiles;
import dev.nucleon.segmentation.output.RunManifest;
import dev.nucleon.segmentation.preprocess.Grayscale;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nucleon segment INPUT... --out DIR}: finds, counts, measures and draws the nuclei of every image given
 * (files, folders searched recursively, or {@code -} for one image on standard input), with the bundled model unless
 * {@code --model} names another.
 *
 * <p>A run is a unit. Per image, named as {@link InputImages} says (the input's path mirrored under {@code --out}):
 * {@code <name>_labels.png} (16-bit instance labels), {@code <name>_overlay.png} (outlines on the image) and
 * {@code <name>_nuclei.csv} (measurements: an {@code image} column, then µm / µm² when a pixel size is known, px
 * otherwise); with {@code --save-rois} an ImageJ ROI set {@code <name>_rois.zip}, with {@code --geojson} QuPath
 * detections {@code <name>.geojson}; then {@code summary.csv} (image = the input path, nuclei, mean area, output name,
 * area unit), rebuilt from the measurement files on disk; with {@code --rle}, a contest-format submission rebuilt
 * from the label maps on disk; and last, atomically, {@code manifest.json} ({@link RunManifest}). An {@code --out}
 * holding another run's results is refused (exit 2) unless {@code --overwrite}, which first removes that run's
 * files. {@code --out} is checked for writing before any work, and temporary files a killed run left are removed.
 *
 * <p>Each image is isolated: one that cannot be read, would not fit in memory (checked from its header), runs out
 * of memory or fails anywhere is reported on one line naming it, recorded as failed in the manifest and skipped;
 * the others are processed and the exit code is then 1. Every file is written atomically and durably.
 */
@Command(name = "segment", mixinStandardHelpOptions = true,
        description = {"Segment the nuclei of microscopy images: labels, overlay and measurements per image, a "
                + "summary and a run manifest.",
                "Outputs mirror the inputs' paths under --out (d1/a.png -> d1/a_labels.png). An --out holding another "
                        + "run's results is refused unless --overwrite. Exit code 1 when any image failed (each is "
                        + "reported and skipped), 2 for a usage error."})
public final class SegmentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "INPUT",
            description = "Image files or folders (searched recursively); - reads one image from standard input "
                    + "(named stdin under --out).")
    List<Path> inputs;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder (created).")
    Path out;

    @Option(names = "--model", paramLabel = "FILE", description = "Model file (default: the bundled model).")
    Path model;

    @Mixin
    DeviceChoice devices = new DeviceChoice();

    @Mixin
    InferenceOptions inference = new InferenceOptions();

    @Option(names = "--min-size", paramLabel = "PIXELS",
            description = "Smallest nucleus in pixels (default: the predictor's, " + Predictor.DEFAULT_MIN_SIZE
                    + "; --post paper004 keeps its own " + Paper004PostProcessing.AREA + ").")
    Integer minSize;

    @Option(names = "--tta", description = "Flip test-time augmentation (4x slower, slightly smoother).")
    boolean tta;

    @Option(names = "--rle", paramLabel = "FILE", description = "Also write a DSB2018 submission CSV (ImageId,EncodedPixels).")
    Path rle;

    @Option(names = "--overwrite",
            description = "Replace the results of an earlier run in --out (without it, such a folder is refused).")
    boolean overwrite;

    @Option(names = "--quiet", description = "No line per image (errors and the final count are still printed).")
    boolean quiet;

    @Option(names = "--channel", paramLabel = "N",
            description = "Channel to segment, 0-based: required for a multi-channel image (an ImageJ hyperstack "
                    + "TIFF, or a TIFF of separate samples per pixel); on an RGB image, picks R (0), G (1) or B (2) "
                    + "instead of converting the colour.")
    Integer channel;

    @Option(names = "--page", paramLabel = "N",
            description = "Page (z-slice / time point) to segment, 0-based: required for a multi-page TIFF.")
    Integer page;

    @Option(names = "--pixel-size", paramLabel = "UM",
            description = "Pixel width in micrometres (overrides the file's calibration). Measurements are in "
                    + "um / um2 when a pixel size is known (this option or the TIFF's resolution tags or ImageJ "
                    + "description), in px otherwise; the unit is in the column names.")
    Double pixelSize;

    @Option(names = "--save-rois",
            description = "Also write <name>_rois.zip: an ImageJ/Fiji ROI set, one polygon per nucleus (its outer "
                    + "boundary on pixel corners), named NNNN-<label>; open it in the ROI Manager.")
    boolean saveRois;

    @Option(names = "--geojson",
            description = "Also write <name>.geojson: the nuclei as QuPath detections (polygons in pixels, class "
                    + "Nucleus, the measurements); drag it onto the image in QuPath.")
    boolean geojson;

    @Option(names = "--label-format", paramLabel = "png|tiff", defaultValue = "png",
            description = "Label map format: png (16-bit; a 32-bit .tif past 65,535 nuclei) or tiff (16-bit, 32-bit "
                    + "past 65,535 nuclei). Default ${DEFAULT-VALUE}.")
    String labelFormat;

    /** Standard input, for the input {@code -}; tests replace it. */
    InputStream stdin = System.in;

    /** Fault injection for tests: runs at the start of each image's work, inside its isolation. */
    Consumer<InputImages.InputImage> beforeEachImage = image -> { };

    /** The files one image produced, and its nucleus count. */
    record ImageOutputs(int nuclei, List<String> files) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (minSize != null && minSize < 0) {
            throw new ParameterException(spec.commandLine(), "--min-size must be >= 0, got " + minSize);
        }
        if (pixelSize != null && !(pixelSize > 0 && pixelSize < Double.POSITIVE_INFINITY)) {
            throw new ParameterException(spec.commandLine(), "--pixel-size must be > 0 (micrometres per pixel), got "
                    + pixelSize);
        }
        if (channel != null && channel < 0 || page != null && page < 0) {
            throw new ParameterException(spec.commandLine(), (channel != null && channel < 0 ? "--channel" : "--page")
                    + " must be >= 0 (0 is the first), got " + (channel != null && channel < 0 ? channel : page));
        }
        if (!labelFormat.equals("png") && !labelFormat.equals("tiff")) {
            throw new ParameterException(spec.commandLine(), "--label-format must be png or tiff, got " + labelFormat);
        }
        if (inputs.stream().filter(p -> p.toString().equals(InputImages.STDIN)).count() > 1) {
            throw new ParameterException(spec.commandLine(), "'-' (standard input) may be given once");
        }
        inference.validate();
        devices.validate();
        String refusal = checkOutputFolder(err);
        if (refusal != null) {
            err.println("segment: " + refusal);
            err.flush();
            return Nucleon.USAGE;
        }
        Device dev = devices.resolve(err);
        if (dev == null) {
            return 1;
        }
        InputImages found = InputImages.find(inputs, out);
        for (InputImages.Problem p : found.problems) {
            err.println("segment: " + p.path() + ": " + p.message() + ", skipped");
        }
        err.flush();
        if (found.images.isEmpty()) {
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
        inference.apply(predictor).device(dev).flipTta(tta);
        if (minSize != null) {
            predictor.postProcessing(predictor.postProcessing().withMinObjectArea(minSize));
        }
        removeEarlierRun(err);

        RunManifest manifest = new RunManifest("segment", NucleonVersion.get(),
                inputs.stream().map(Path::toString).toList(), options(dev), model == null ? "bundled" : model.toString());
        found.problems.forEach(p -> manifest.problem(p.path(), p.message()));
        long started = System.nanoTime();
        int done = 0, total = found.images.size();
        for (InputImages.InputImage image : found.images) {
            List<String> files = outputFiles(image.name());
            done++;
            try {
                beforeEachImage.accept(image);
                ImageOutputs o = segmentImage(predictor, image, err);
                manifest.add(new RunManifest.ImageRecord(image.input(), image.name(), null, o.nuclei(), o.files()));
                if (!quiet) { // [i/N] name: n nuclei, and the time left at the rate so far
                    double elapsed = (System.nanoTime() - started) / 1e9;
                    stdout.printf(Locale.ROOT, "[%d/%d] %s: %d nuclei%s%n", done, total, image.name(), o.nuclei(),
                            done < total ? "  ETA " + ModelEvaluation.Progress.duration(elapsed / done
                                    * (total - done)) : "");
                    stdout.flush();
                }
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                String why = FailureMessage.of(e);
                why = why.startsWith(image.input() + ": ") ? why.substring(image.input().length() + 2) : why;
                err.println("segment: " + image.input() + ": " + why + ", skipped");
                err.flush();
                removeQuietly(files); // a half-written image leaves nothing that disagrees with the manifest
                manifest.add(new RunManifest.ImageRecord(image.input(), image.name(), why, 0, List.of()));
            }
        }
        if (rle != null) {
            writeSubmission(manifest, err);
        }
        writeSummary(manifest, err);
        manifest.write(out);
        long ok = manifest.images().size() - manifest.failed();
        long failures = manifest.failed() + found.problems.size();
        stdout.printf(Locale.ROOT, "%d image(s) segmented, %d failed; results in %s%n", ok, failures, out);
        stdout.flush();
        return failures == 0 ? 0 : 1;
    }

    /**
     * One image of the run: standard input is first copied to a temporary file in {@code --out} (removed after; a
     * leftover of a killed run is cleaned as stale), then {@link #segmentFile} does the work; warnings about the
     * image (e.g. NaN samples) go to {@code err} as one line naming it.
     */
    private ImageOutputs segmentImage(Predictor predictor, InputImages.InputImage image, PrintWriter err)
            throws IOException {
        Path file = image.file();
        Path fromStdin = null;
        if (file == null) {
            fromStdin = Files.createTempFile(out, ".stdin.nucleon-", ".tmp");
            Files.copy(stdin, fromStdin, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            file = fromStdin;
        }
        try {
            String input = image.input();
            java.util.function.Consumer<String> previous = NetworkInput.warnings(m -> {
                err.println("segment: " + input + ": warning: " + m);
                err.flush();
            });
            try {
                return segmentFile(predictor, file, image.name(), input);
            } finally {
                NetworkInput.warnings(previous);
            }
        } catch (IOException e) {
            if (fromStdin == null) {
                throw e;
            }
            throw new IOException(e.getMessage().replace(fromStdin.toString(), "standard input"), e);
        } finally {
            if (fromStdin != null) {
                Files.deleteIfExists(fromStdin);
            }
        }
    }

    /**
     * One image file, start to end ({@link ImageFileSegmentation}): its size checked from the header, read,
     * segmented (streamed in bands when large), measured, its labels, overlay and measurements written. Nothing of
     * the image outlives this call.
     */
    private ImageOutputs segmentFile(Predictor predictor, Path file, String name, String input) throws IOException {
        ImageFileSegmentation.Settings settings = new ImageFileSegmentation.Settings(channel, page,
                pixelSize == null ? Double.NaN : pixelSize, input, labelFormat.equals("tiff"));
        ImageOutputFiles.Written w = imageOutputFiles().write(predictor, file, settings, out, name);
        return new ImageOutputs(w.result().nuclei().size(), w.files());
    }

    /** The per-image files of this run's options ({@code --label-format}, {@code --save-rois}, {@code --geojson}). */
    private ImageOutputFiles imageOutputFiles() {
        return new ImageOutputFiles(labelFormat.equals("tiff"), saveRois, geojson);
    }

    /**
     * The files an image named {@code name} may produce, relative to {@code --out}: labels, overlay, measurements
     * first, then the label map's other spellings and the optional outputs (for removal after a failure).
     */
    List<String> outputFiles(String name) {
        return imageOutputFiles().possibleFiles(name);
    }

    /**
     * Before any work: {@code --out} must be a folder this process can write to (a test file is created and
     * removed), and must not hold another run's results unless {@code --overwrite}. Temporary files a killed run
     * left are removed.
     *
     * @return why the folder is refused (a usage error), or null
     */
    private String checkOutputFolder(PrintWriter err) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ImageFileException(out, "--out is a file, not a folder");
        }
        try {
            Files.createDirectories(out);
            Path probe = Files.createTempFile(out, ".write-test.nucleon-", ".tmp");
            Files.delete(probe);
        } catch (IOException | RuntimeException e) {
            throw new IOException("--out " + out + ": cannot write there (" + FailureMessage.of(e) + ")", e);
        }
        String earlier = earlierResults();
        if (earlier != null && !overwrite) {
            return "--out " + out + " holds the results of another run (" + earlier + "); give --overwrite to replace "
                    + "them, or choose another folder";
        }
        int stale = 0;
        for (Path folder : foldersOf(out)) {
            stale += AtomicFileWriter.removeStaleTemporaryFiles(folder);
        }
        if (stale > 0) {
            err.println("segment: removed " + stale + " temporary file(s) a killed run left in " + out);
            err.flush();
        }
        return null;
    }

    /** What in {@code --out} shows an earlier run ({@code manifest.json}, {@code summary.csv}, a result file), or null. */
    private String earlierResults() throws IOException {
        for (String f : List.of(RunManifest.FILE, "summary.csv")) {
            if (Files.exists(out.resolve(f))) {
                return f;
            }
        }
        for (Path folder : foldersOf(out)) {
            try (var files = Files.list(folder)) {
                var result = files.map(p -> p.getFileName().toString()).filter(ImageOutputFiles::isOutput)
                        .findFirst();
                if (result.isPresent()) {
                    return out.relativize(folder.resolve(result.get())).toString().replace('\\', '/');
                }
            }
        }
        return null;
    }

    /** {@code folder} and its subfolders, hidden ones and unreadable ones left out. */
    private static List<Path> foldersOf(Path folder) throws IOException {
        List<Path> folders = new ArrayList<>();
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(folder) && dir.getFileName().toString().startsWith(".")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                folders.add(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return folders;
    }

    /**
     * With {@code --overwrite}: removes the earlier run's manifest first (so a kill from here on leaves a folder
     * that no manifest vouches for), then its summary and the files its manifest names.
     */
    private void removeEarlierRun(PrintWriter err) throws IOException {
        if (!overwrite) {
            return;
        }
        List<String> files = new ArrayList<>();
        if (Files.exists(out.resolve(RunManifest.FILE))) {
            try {
                files.addAll(RunManifest.filesOf(out));
            } catch (IOException e) {
                err.println("segment: warning: " + e.getMessage() + "; only replacing files of the same names");
            }
            Files.delete(out.resolve(RunManifest.FILE));
        }
        files.add("summary.csv");
        removeQuietly(files);
    }

    private void removeQuietly(List<String> relative) {
        for (String f : relative) {
            try {
                Files.deleteIfExists(out.resolve(f));
            } catch (IOException e) {
                // stays; the manifest does not name it
            }
        }
    }

    /**
     * {@code summary.csv}, rebuilt from the measurement files on disk: one row per image of this run that succeeded
     * (image = the input path as given, output = its name under {@code --out}). An image whose measurements cannot
     * be read back is marked failed.
     */
    private void writeSummary(RunManifest manifest, PrintWriter err) throws IOException {
        StringBuilder summary = new StringBuilder(Csv.row("image", "nuclei", "mean_area", "output", "area_unit"));
        List<RunManifest.ImageRecord> records = manifest.images();
        for (int i = 0; i < records.size(); i++) {
            RunManifest.ImageRecord r = records.get(i);
            if (!r.ok()) {
                continue;
            }
            Path csv = out.resolve(r.files().get(2));
            try {
                List<List<String>> rows = Csv.records(Files.readString(csv));
                int area = rows.isEmpty() ? -1 : rows.get(0).indexOf("area_px");
                String unit = "px";
                if (area < 0 && !rows.isEmpty() && rows.get(0).contains("area_um2")) {
                    area = rows.get(0).indexOf("area_um2");
                    unit = "um2";
                }
                if (area < 0) {
                    throw new ImageFileException(csv, "no area column");
                }
                double sum = 0;
                for (List<String> row : rows.subList(1, rows.size())) {
                    sum += Double.parseDouble(row.get(area));
                }
                int n = rows.size() - 1;
                summary.append(Csv.row(r.input(), Integer.toString(n),
                        String.format(Locale.ROOT, "%.1f", n == 0 ? 0 : sum / n), r.name(), unit));
            } catch (IOException | RuntimeException e) {
                String why = "measurements unreadable after writing: " + FailureMessage.of(e);
                err.println("segment: " + r.input() + ": " + why);
                err.flush();
                records.set(i, new RunManifest.ImageRecord(r.input(), r.name(), why, 0, r.files()));
            }
        }
        AtomicFileWriter.writeString(out.resolve("summary.csv"), summary);
        manifest.file("summary.csv");
    }

    /**
     * The {@code --rle} submission, rebuilt from the label maps on disk one image at a time (ImageId = output name).
     * An image whose label map cannot be read back is marked failed.
     */
    private void writeSubmission(RunManifest manifest, PrintWriter err) throws IOException {
        StringBuilder sb = new StringBuilder(RunLengthCsv.header(false));
        List<RunManifest.ImageRecord> records = manifest.images();
        for (int i = 0; i < records.size(); i++) {
            RunManifest.ImageRecord r = records.get(i);
            if (!r.ok()) {
                continue;
            }
            try {
                RunLengthCsv.appendRows(sb, r.name(), ImageFileReader.readLabels(out.resolve(r.files().get(0))), false);
            } catch (IOException | RuntimeException e) {
                String why = "label map unreadable after writing: " + FailureMessage.of(e);
                err.println("segment: " + r.input() + ": " + why);
                err.flush();
                records.set(i, new RunManifest.ImageRecord(r.input(), r.name(), why, 0, r.files()));
            }
        }
        AtomicFileWriter.writeString(rle, sb);
        Path abs = rle.toAbsolutePath().normalize(), root = out.toAbsolutePath().normalize();
        if (abs.startsWith(root)) {
            manifest.file(root.relativize(abs).toString().replace('\\', '/'));
        }
    }

    /** The options of this run, for the manifest. */
    private Map<String, Object> options(Device dev) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("out", out.toString());
        o.put("device", dev.toString());
        o.put("threshold", inference.threshold);
        o.put("core_threshold", inference.coreThreshold);
        o.put("post", inference.post);
        o.put("min_size", minSize);
        o.put("tta", tta);
        o.put("diameter", inference.diameter);
        o.put("tile", inference.tile);
        o.put("overlap", inference.tileMargin == null ? inference.overlap() : null);
        o.put("tile_margin", inference.tileMargin);
        o.put("rle", rle == null ? null : rle.toString());
        o.put("overwrite", overwrite);
        o.put("channel", channel);
        o.put("page", page);
        o.put("pixel_size", pixelSize);
        o.put("save_rois", saveRois);
        o.put("geojson", geojson);
        o.put("label_format", labelFormat);
        return o;
    }
}
