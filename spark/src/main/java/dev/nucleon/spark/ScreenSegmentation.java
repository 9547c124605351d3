package dev.nucleon.spark;

import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.segmentation.dataset.RunLengthCsv;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.io.Csv;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.output.ImageOutputFiles;
import dev.nucleon.segmentation.output.OutputNames;
import dev.nucleon.segmentation.output.RunManifest;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * A whole screen segmented on Spark, with {@code nucleon segment}'s model and outputs (the driver's side; each task
 * is a {@link SegmentPartition}).
 *
 * <p>Into {@code --out}, per image under its CLI name ({@link OutputNames}): {@code <name>_labels.png},
 * {@code <name>_overlay.png}, {@code <name>_nuclei.csv} (and {@code <name>_rois.zip}, {@code <name>.geojson} when
 * asked: {@link ImageOutputFiles}); for the run: {@code nuclei.parquet/} (one row per nucleus, the CSVs' columns:
 * {@link NucleusTable}), {@code images.parquet/} (one row per image: input, name, status, error, nuclei,
 * area_unit, mean_area, files), {@code summary.csv} (as the CLI's), with {@code --rle} the submission (as the
 * CLI's, rebuilt from every label map in the folder) and last {@code manifest.json} ({@link RunManifest}, as the
 * CLI's, command {@code segment-spark}, plus the master and the number of runs).
 *
 * <p>Runs and reruns: each job appends its rows to both tables as a partition {@code run=N}, written by Spark's
 * commit protocol (a task attempt's files become visible only when it commits, once; {@code _SUCCESS} when the job
 * has). A rerun into the same folder with the same options segments only the images without an {@code ok} row in a
 * committed run ({@code images.parquet} is written after {@code nuclei.parquet}, so its {@code _SUCCESS} vouches for
 * both); a run that did not commit is removed first, its images done again. The manifest and summary are rebuilt
 * from the committed tables after every run. Other options, or a folder holding a {@code nucleon segment} run, are
 * refused unless {@code --overwrite}.
 */
public final class ScreenSegmentation {
    /** The manifest's file name, as the CLI's. */
    static final String MANIFEST = RunManifest.FILE;
    static final String NUCLEI = "nuclei.parquet";
    static final String IMAGES = "images.parquet";
    private static final Pattern RUN = Pattern.compile("run=(\\d+)");
    /**
     * Options a rerun may change: they say what is done with the images segmented, not how they are segmented
     * ({@code --rle} is rebuilt from every label map of the folder after each run).
     */
    private static final Set<String> RUN_WIDE_OPTIONS = Set.of("rle");

    /** The per-image columns of {@code images.parquet}. */
    static final List<String> IMAGE_COLUMNS = List.of("input", "name", "status", "error", "nuclei", "area_unit",
            "mean_area", "files");

    private ScreenSegmentation() {
    }

    /**
     * What the user asked for.
     *
     * @param inputs     files, folders and globs
     * @param list       a CSV or Parquet list of image paths, or null
     * @param out        the output folder (local or a shared mount every executor sees)
     * @param modelGiven {@code --model} as given, or null for the bundled model
     * @param settings   the segmentation options (model left null: set here)
     * @param partitions the number of partitions, or 0 for 4 per core of the cluster
     * @param overwrite  whether an earlier run's results in {@code out} are removed first
     * @param rle        where the DSB2018 submission of every image done goes ({@code --rle}), or null
     */
    public record Request(List<String> inputs, String list, Path out, String modelGiven, JobSettings settings,
            int partitions, boolean overwrite, Path rle) {
    }

    /**
     * What a job did.
     *
     * @param segmented images segmented now, fine
     * @param skipped   images already done by an earlier run
     * @param failed    images of this job's inputs that failed (now or, unchanged, before), plus naming problems
     */
    public record Outcome(int segmented, int skipped, int failed) {
    }

    /** A folder the job must not write into (a usage error: exit 2). */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * Runs the job.
     *
     * @param spark the session
     * @param req   the request
     * @param err   one line per problem (images that failed, warnings)
     * @return the counts
     * @throws ImageSources.BadInput when an input is missing or unreadable (before any task)
     * @throws Refused               when {@code out} holds other results and {@code overwrite} is off
     * @throws IOException           when {@code out} cannot be written
     */
    public static Outcome run(SparkSession spark, Request req, PrintWriter err)
            throws ImageSources.BadInput, Refused, IOException {
        Path out = req.out().toAbsolutePath().normalize();
        Map<String, Object> options = req.settings().manifestOptions(req.modelGiven(),
                req.rle() == null ? null : req.rle().toString());
        RunManifest manifest = new RunManifest("segment-spark", version(), describeInputs(req), options,
                req.modelGiven() == null ? "bundled" : req.modelGiven());
        prepareOutput(out, options, req.overwrite(), err);
        if (req.modelGiven() != null && !Files.isRegularFile(Path.of(req.modelGiven()))) {
            throw new ImageSources.BadInput(req.modelGiven() + ": no such model file");
        }
        List<OutputNames.Named<ImageSources.Found>> named = ImageSources.find(spark, req.inputs(), req.list(), out);
        int problems = 0;
        for (OutputNames.Named<ImageSources.Found> n : named) {
            if (n.name() == null) {
                err.println("segment-spark: " + n.image().input() + ": " + n.problem() + ", skipped");
                problems++;
            }
        }
        Map<String, Row> before = latestImageRows(spark, out);
        List<ImageTask> tasks = new ArrayList<>();
        int skipped = 0;
        for (OutputNames.Named<ImageSources.Found> n : named) {
            if (n.name() == null) {
                continue;
            }
            Row earlier = before.get(n.name());
            if (earlier != null && "ok".equals(earlier.getAs("status"))) {
                skipped++;
            } else {
                tasks.add(new ImageTask(n.image().input(), n.image().uri(), n.name()));
            }
        }
        if (named.stream().allMatch(n -> n.name() == null)) {
            throw new ImageSources.BadInput("no images found in " + describe(req));
        }
        int run = nextRun(out);
        if (!tasks.isEmpty()) {
            JobSettings settings = req.settings();
            if (req.modelGiven() != null) { // shipped to every executor once, loaded there once
                for (Path f : Predictor.filesOf(Path.of(req.modelGiven()))) { // with its colour model, if any
                    spark.sparkContext().addFile(f.toAbsolutePath().toString());
                }
                settings = settings.withModel(Path.of(req.modelGiven()).getFileName().toString());
            }
            int partitions = req.partitions() > 0 ? req.partitions()
                    : 4 * spark.sparkContext().defaultParallelism();
            partitions = Math.max(1, Math.min(partitions, tasks.size()));
            JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(tasks, partitions)
                    .mapPartitions(new SegmentPartition(settings, out.toString()));
            Dataset<Row> results = spark.createDataFrame(rows, SegmentPartition.SCHEMA)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                Column[] nucleusColumns = Stream.of(NucleusTable.SCHEMA.fieldNames()).map(functions::col)
                        .toArray(Column[]::new);
                results.where("kind = 'nucleus'").select(nucleusColumns).write()
                        .parquet(out.resolve(NUCLEI).resolve("run=" + run).toUri().toString());
                results.where("kind = 'image'").select(functions.col("image").as("input"), functions.col("name"),
                                functions.col("status"), functions.col("error"), functions.col("nuclei"),
                                functions.col("area_unit"), functions.col("mean_area"), functions.col("files"))
                        .write().parquet(out.resolve(IMAGES).resolve("run=" + run).toUri().toString());
            } finally {
                results.unpersist();
            }
        }
        Map<String, Row> after = latestImageRows(spark, out);
        int failed = problems, segmented = 0;
        for (ImageTask t : tasks) {
            Row r = after.get(t.name());
            if (r != null && "ok".equals(r.getAs("status"))) {
                segmented++;
            } else {
                failed++;
                err.println("segment-spark: " + t.input() + ": " + (r == null ? "no result recorded"
                        : r.<String>getAs("error")) + ", skipped");
            }
        }
        err.flush();
        Map<String, String> unreadable = req.rle() == null ? Map.of() : writeSubmission(spark, out, after, req.rle());
        for (Map.Entry<String, String> u : unreadable.entrySet()) {
            err.println("segment-spark: " + after.get(u.getKey()).getAs("input") + ": " + u.getValue());
            failed++;
        }
        err.flush();
        writeSummary(out, after, unreadable.keySet());
        manifest.field("master", spark.sparkContext().master()).field("runs", committedRuns(out).size());
        for (Row r : after.values().stream().sorted(Comparator.comparing(r -> r.<String>getAs("name"))).toList()) {
            String name = r.getAs("name");
            String error = "ok".equals(r.getAs("status")) ? unreadable.get(name) : r.<String>getAs("error");
            manifest.add(new RunManifest.ImageRecord(r.getAs("input"), name, error,
                    error == null ? r.<Integer>getAs("nuclei") : 0, r.getList(r.fieldIndex("files"))));
        }
        manifest.file("summary.csv");
        manifest.file(NUCLEI);
        manifest.file(IMAGES);
        if (req.rle() != null && req.rle().toAbsolutePath().normalize().startsWith(out)) {
            manifest.file(out.relativize(req.rle().toAbsolutePath().normalize()).toString().replace('\\', '/'));
        }
        manifest.write(out);
        return new Outcome(segmented, skipped, failed);
    }

    private static List<String> describeInputs(Request req) {
        List<String> in = new ArrayList<>(req.inputs());
        if (req.list() != null) {
            in.add(0, "--list " + req.list());
        }
        return in;
    }

    private static String describe(Request req) {
        return describeInputs(req).toString();
    }

    /** A failure in one line: what went wrong, in words, without the wrappers around it. */
    static String reason(Throwable failure) {
        Throwable e = failure;
        while (e.getCause() != null && e.getCause() != e && (e.getMessage() == null
                || e instanceof ExceptionInInitializerError || e instanceof java.io.UncheckedIOException)) {
            e = e.getCause();
        }
        String message = e.getMessage() == null || e.getMessage().isBlank() ? null
                : e.getMessage().lines().findFirst().orElse("").trim();
        if (e instanceof NoSuchFileException) {
            return "no such file: " + message;
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + message;
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + (message == null ? "heap" : message)
                    + "); give the executors more (spark.executor.memory) or fewer tasks each (spark.task.cpus)";
        }
        return message == null ? e.toString() : message;
    }

    /**
     * Before any work: {@code out} is a writable folder; an earlier run there is one this job may continue (same
     * options) or is removed ({@code overwrite}); uncommitted runs and stale temporary files are removed.
     */
    private static void prepareOutput(Path out, Map<String, Object> options, boolean overwrite, PrintWriter err)
            throws Refused, IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IOException("--out " + out + ": a file, not a folder");
        }
        try {
            Files.createDirectories(out);
            Files.delete(Files.createTempFile(out, ".write-test.nucleon-", ".tmp"));
        } catch (IOException | RuntimeException e) {
            throw new IOException("--out " + out + ": cannot write there (" + reason(e) + ")", e);
        }
        String conflict = conflict(out, options);
        if (conflict != null) {
            if (!overwrite) {
                throw new Refused("--out " + out + " " + conflict + "; give --overwrite to replace them, or choose "
                        + "another folder");
            }
            removeEarlierRun(out);
        } else if (overwrite) {
            removeEarlierRun(out);
        }
        removeUncommittedRuns(out, err);
        int stale = 0;
        for (Path folder : outputFolders(out)) {
            stale += AtomicFileWriter.removeStaleTemporaryFiles(folder);
        }
        if (stale > 0) {
            err.println("segment-spark: removed " + stale + " temporary file(s) a killed run left in " + out);
        }
    }

    /** Why {@code out}'s results cannot be continued by this job, or null when there are none or they can. */
    private static String conflict(Path out, Map<String, Object> options) throws IOException {
        Path manifest = out.resolve(MANIFEST);
        if (Files.exists(manifest)) {
            Map<?, ?> m = RunManifest.read(manifest);
            if (!"segment-spark".equals(m.get("command"))) {
                return "holds the results of a `nucleon " + m.get("command") + "` run (" + MANIFEST + ")";
            }
            Map<?, ?> earlier = m.get("options") instanceof Map<?, ?> o ? o : Map.of();
            Map<?, ?> now = RunManifest.roundTrip(options);
            Set<String> keys = new TreeSet<>();
            earlier.keySet().forEach(k -> keys.add(String.valueOf(k)));
            now.keySet().forEach(k -> keys.add(String.valueOf(k)));
            keys.removeAll(RUN_WIDE_OPTIONS);
            String diff = keys.stream()
                    .filter(k -> !RunManifest.text(earlier.get(k)).equals(RunManifest.text(now.get(k))))
                    .map(k -> k + " " + RunManifest.text(earlier.get(k)) + " -> " + RunManifest.text(now.get(k)))
                    .collect(Collectors.joining(", "));
            return diff.isEmpty() ? null : "holds a run with other options (" + diff + ")";
        }
        if (Files.exists(out.resolve(IMAGES))) {
            return null; // a run that committed its tables but was killed before its manifest: continued
        }
        if (Files.exists(out.resolve("summary.csv"))) {
            return "holds the results of another run (summary.csv)";
        }
        try (Stream<Path> files = Files.list(out)) {
            var result = files.map(p -> p.getFileName().toString()).filter(ImageOutputFiles::isOutput).findFirst();
            return result.map(n -> "holds the results of another run (" + n + ")").orElse(null);
        }
    }

    /** Removes the manifest first, then what it names, the tables and the summary. */
    private static void removeEarlierRun(Path out) throws IOException {
        List<String> files = new ArrayList<>();
        Path manifest = out.resolve(MANIFEST);
        if (Files.exists(manifest)) {
            try {
                files.addAll(RunManifest.filesOf(out));
            } catch (IOException e) {
                // only the files of the usual names below
            }
            Files.delete(manifest);
        }
        files.add("summary.csv");
        for (String f : files) {
            Path p = out.resolve(f).normalize();
            if (p.startsWith(out) && !p.equals(out) && Files.isRegularFile(p)) {
                Files.deleteIfExists(p);
            }
        }
        deleteTree(out.resolve(NUCLEI));
        deleteTree(out.resolve(IMAGES));
    }

    /** A run whose {@code images.parquet} partition has no {@code _SUCCESS} did not commit: both its parts go. */
    private static void removeUncommittedRuns(Path out, PrintWriter err) throws IOException {
        Set<Integer> committed = committedRuns(out);
        for (String table : List.of(NUCLEI, IMAGES)) {
            Path t = out.resolve(table);
            if (!Files.isDirectory(t)) {
                continue;
            }
            try (Stream<Path> parts = Files.list(t)) {
                for (Path p : parts.toList()) {
                    Matcher m = RUN.matcher(p.getFileName().toString());
                    if (!m.matches() || !committed.contains(Integer.parseInt(m.group(1)))) {
                        err.println("segment-spark: removing " + out.relativize(p) + ", left by a run that did not "
                                + "finish; its images are done again");
                        deleteTree(p);
                    }
                }
            }
        }
    }

    private static Set<Integer> committedRuns(Path out) throws IOException {
        Path t = out.resolve(IMAGES);
        if (!Files.isDirectory(t)) {
            return Set.of();
        }
        try (Stream<Path> parts = Files.list(t)) {
            return parts.filter(p -> Files.exists(p.resolve("_SUCCESS"))
                            && Files.exists(out.resolve(NUCLEI).resolve(p.getFileName()).resolve("_SUCCESS")))
                    .map(p -> RUN.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches).map(m -> Integer.parseInt(m.group(1))).collect(Collectors.toSet());
        }
    }

    private static int nextRun(Path out) throws IOException {
        return committedRuns(out).stream().max(Integer::compare).orElse(0) + 1;
    }

    /** Each image's row of its latest committed run, by output name. */
    private static Map<String, Row> latestImageRows(SparkSession spark, Path out) throws IOException {
        Map<String, Row> latest = new HashMap<>();
        Map<String, Integer> runOf = new HashMap<>();
        for (int run : committedRuns(out).stream().sorted().toList()) {
            Dataset<Row> rows = spark.read().schema(imagesSchema())
                    .parquet(out.resolve(IMAGES).resolve("run=" + run).toUri().toString());
            for (Row r : rows.collectAsList()) {
                String name = r.getAs("name");
                if (runOf.getOrDefault(name, 0) <= run) {
                    latest.put(name, r);
                    runOf.put(name, run);
                }
            }
        }
        return latest;
    }

    static StructType imagesSchema() {
        List<StructField> f = new ArrayList<>();
        for (String c : IMAGE_COLUMNS) {
            StructField s = SegmentPartition.SCHEMA.apply(c.equals("input") ? "image" : c);
            f.add(DataTypes.createStructField(c, s.dataType(), true));
        }
        return DataTypes.createStructType(f);
    }

    /**
     * {@code summary.csv} as the CLI writes it (image = the input path, nuclei, mean area, output name, area unit),
     * one row per image done, from the committed {@code images.parquet} rows (each task summed its image's areas
     * as the CLI sums its CSV's: no aggregation job), less {@code failedSince} (label maps {@code --rle} could not
     * read back, as the CLI leaves them out).
     */
    private static void writeSummary(Path out, Map<String, Row> images, Set<String> failedSince)
            throws IOException {
        StringBuilder summary = new StringBuilder(Csv.row("image", "nuclei", "mean_area", "output", "area_unit"));
        for (Row r : images.values().stream().sorted(Comparator.comparing(r -> r.<String>getAs("name"))).toList()) {
            if (!"ok".equals(r.getAs("status")) || failedSince.contains(r.<String>getAs("name"))) {
                continue;
            }
            summary.append(Csv.row(r.getAs("input"), Integer.toString(r.<Integer>getAs("nuclei")),
                    String.format(Locale.ROOT, "%.1f", r.<Double>getAs("mean_area")), r.getAs("name"),
                    r.getAs("area_unit")));
        }
        AtomicFileWriter.writeString(out.resolve("summary.csv"), summary);
    }

    /**
     * {@code --rle}: the DSB2018 submission ({@code ImageId,EncodedPixels}, ImageId = output name, as the CLI's) of
     * every image done in the folder, by name, rebuilt from the label maps on disk as the CLI rebuilds it: read where
     * they lie by a Spark job (the executors see {@code --out}), encoded there, streamed to the driver a partition
     * at a time and written atomically.
     *
     * @return the images whose label map could not be read back, by name, with why (the CLI marks them failed)
     */
    private static Map<String, String> writeSubmission(SparkSession spark, Path out, Map<String, Row> images,
            Path rle) throws IOException {
        List<List<String>> done = new ArrayList<>();
        for (Row r : images.values().stream().sorted(Comparator.comparing(r -> r.<String>getAs("name"))).toList()) {
            if ("ok".equals(r.getAs("status"))) {
                done.add(List.of(r.<String>getAs("name"), r.<String>getList(r.fieldIndex("files")).get(0)));
            }
        }
        Map<String, String> unreadable = new TreeMap<>();
        String folder = out.toString();
        AtomicFileWriter.write(rle, tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp)) {
                w.write(RunLengthCsv.header(false));
                if (done.isEmpty()) {
                    return;
                }
                int partitions = Math.max(1, Math.min(done.size(), 4 * spark.sparkContext().defaultParallelism()));
                Iterator<List<String>> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                        .parallelize(done, partitions).map(image -> {
                            try {
                                StringBuilder sb = new StringBuilder();
                                RunLengthCsv.appendRows(sb, image.get(0),
                                        ImageFileReader.readLabels(Path.of(folder).resolve(image.get(1))), false);
                                return List.of(image.get(0), sb.toString(), "");
                            } catch (Exception | OutOfMemoryError e) {
                                return List.of(image.get(0), "", "label map unreadable after writing: " + reason(e));
                            }
                        }).toLocalIterator();
                while (rows.hasNext()) {
                    List<String> r = rows.next();
                    if (r.get(2).isEmpty()) {
                        w.write(r.get(1));
                    } else {
                        unreadable.put(r.get(0), r.get(2));
                    }
                }
            }
        });
        return unreadable;
    }

    /** The Nucleon version this module was built as ({@code version.properties}, filtered by Maven). */
    static String version() {
        try (var in = ScreenSegmentation.class.getResourceAsStream("version.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** {@code out} and its subfolders, hidden ones and the Parquet tables left out. */
    private static List<Path> outputFolders(Path out) throws IOException {
        List<Path> folders = new ArrayList<>();
        Files.walkFileTree(out, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String n = dir.getFileName() == null ? "" : dir.getFileName().toString();
                if (!dir.equals(out) && (n.startsWith(".") || n.endsWith(".parquet"))) {
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

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
