package dev.nucleon.spark;

import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.segmentation.io.Csv;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * <p>Into {@code --out}, per image under its CLI name: {@code <name>_labels.png}, {@code <name>_overlay.png},
 * {@code <name>_nuclei.csv}; for the run: {@code nuclei.parquet/} (one row per nucleus, the CSVs' columns:
 * {@link NucleusTable}), {@code images.parquet/} (one row per image: input, name, status, error, nuclei,
 * area_unit, mean_area, files), {@code summary.csv} (as the CLI's) and last {@code manifest.json} (as the CLI's, command
 * {@code segment-spark}).
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
    static final String MANIFEST = "manifest.json";
    static final String NUCLEI = "nuclei.parquet";
    static final String IMAGES = "images.parquet";
    private static final Pattern RUN = Pattern.compile("run=(\\d+)");

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
     */
    public record Request(List<String> inputs, String list, Path out, String modelGiven, JobSettings settings,
            int partitions, boolean overwrite) {
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
        Map<String, Object> options = req.settings().manifestOptions(req.modelGiven());
        prepareOutput(out, options, req.overwrite(), err);
        if (req.modelGiven() != null && !Files.isRegularFile(Path.of(req.modelGiven()))) {
            throw new ImageSources.BadInput(req.modelGiven() + ": no such model file");
        }
        List<OutputNames.Named> named = ImageSources.find(spark, req.inputs(), req.list(), out);
        int problems = 0;
        for (OutputNames.Named n : named) {
            if (n.name() == null) {
                err.println("segment-spark: " + n.image().input() + ": " + n.problem() + ", skipped");
                problems++;
            }
        }
        Map<String, Row> before = latestImageRows(spark, out);
        List<ImageTask> tasks = new ArrayList<>();
        int skipped = 0;
        for (OutputNames.Named n : named) {
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
                spark.sparkContext().addFile(Path.of(req.modelGiven()).toAbsolutePath().toString());
                settings = new JobSettings(Path.of(req.modelGiven()).getFileName().toString(), settings.threshold(),
                        settings.minSize(), settings.tta(), settings.diameter(), settings.tile(), settings.pixelSize(),
                        settings.channel(), settings.page(), settings.tiffLabels());
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
        writeSummary(out, after);
        SparkRunManifest.write(out, describeInputs(req), options, spark.sparkContext().master(),
                committedRuns(out).size(), after.values());
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
            Map<?, ?> m = SparkRunManifest.read(manifest);
            if (!"segment-spark".equals(m.get("command"))) {
                return "holds the results of a `nucleon " + m.get("command") + "` run (" + MANIFEST + ")";
            }
            Map<String, String> earlier = new TreeMap<>(), now = new TreeMap<>();
            if (m.get("options") instanceof Map<?, ?> o) {
                o.forEach((k, v) -> earlier.put(String.valueOf(k), SparkRunManifest.text(v)));
            }
            SparkRunManifest.roundTrip(options).forEach((k, v) -> now.put(String.valueOf(k), SparkRunManifest.text(v)));
            if (!earlier.equals(now)) {
                String diff = now.keySet().stream().filter(k -> !now.get(k).equals(earlier.get(k)))
                        .map(k -> k + " " + earlier.get(k) + " -> " + now.get(k)).collect(Collectors.joining(", "));
                return "holds a run with other options (" + diff + ")";
            }
            return null;
        }
        if (Files.exists(out.resolve(IMAGES))) {
            return null; // a run that committed its tables but was killed before its manifest: continued
        }
        if (Files.exists(out.resolve("summary.csv"))) {
            return "holds the results of another run (summary.csv)";
        }
        try (Stream<Path> files = Files.list(out)) {
            var result = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("_labels.png")
                    || n.endsWith("_overlay.png") || n.endsWith("_nuclei.csv") || n.endsWith("_labels.tif"))
                    .findFirst();
            return result.map(n -> "holds the results of another run (" + n + ")").orElse(null);
        }
    }

    /** Removes the manifest first, then what it names, the tables and the summary. */
    private static void removeEarlierRun(Path out) throws IOException {
        List<String> files = new ArrayList<>();
        Path manifest = out.resolve(MANIFEST);
        if (Files.exists(manifest)) {
            try {
                files.addAll(SparkRunManifest.filesOf(out));
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
     * as the CLI sums its CSV's: no aggregation job).
     */
    private static void writeSummary(Path out, Map<String, Row> images) throws IOException {
        StringBuilder summary = new StringBuilder(Csv.row("image", "nuclei", "mean_area", "output", "area_unit"));
        for (Row r : images.values().stream().sorted(Comparator.comparing(r -> r.<String>getAs("name"))).toList()) {
            if (!"ok".equals(r.getAs("status"))) {
                continue;
            }
            summary.append(Csv.row(r.getAs("input"), Integer.toString(r.<Integer>getAs("nuclei")),
                    String.format(Locale.ROOT, "%.1f", r.<Double>getAs("mean_area")), r.getAs("name"),
                    r.getAs("area_unit")));
        }
        AtomicFileWriter.writeString(out.resolve("summary.csv"), summary);
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
