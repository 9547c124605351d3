package dev.nucleon.spark;

import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.instance.Paper004PostProcessing;
import dev.nucleon.segmentation.instance.PostProcessing;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code segment-spark INPUT... --out DIR [--master local[*]|spark://…|yarn|k8s://…]}: {@code nucleon segment} on
 * Apache Spark ({@link ScreenSegmentation}). The main class for {@code spark-submit}; {@code spark/segment-spark}
 * runs it on this machine with Spark's jars from the local Maven repository and no cluster.
 *
 * <p>Exit codes as the CLI's: 0 every image done, 1 some image failed (each is an error row and a line on stderr;
 * the last line counts them) or the job could not run (a missing input: before any task), 2 a usage error.
 */
@Command(name = "segment-spark", mixinStandardHelpOptions = true,
        description = {"Segment the nuclei of a folder, glob or list of images on Apache Spark: the outputs of "
                + "`nucleon segment` (labels, overlay, _nuclei.csv per image, summary.csv, manifest.json; its options) plus "
                + "nuclei.parquet (one row per nucleus) and images.parquet (one row per image, errors included).",
                "A rerun into the same --out segments only the images not done yet. Exit code 1 when any image "
                        + "failed, 2 for a usage error."})
public final class SegmentSpark implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "INPUT",
            description = "Image files, folders (searched recursively) or globs, on any file system Spark reads "
                    + "(file:, hdfs://, s3a://).")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--list", paramLabel = "FILE",
            description = "A CSV (header row; a 'path' column, else the first) or .parquet list of image paths.")
    String list;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Output folder (created): local, or a mount every executor sees (NFS, /dbfs, EFS).")
    Path out;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[*] (default, this machine, no cluster), local[N], spark://host:7077, "
                    + "yarn, k8s://…; under spark-submit, its --master.")
    String master;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
            description = "Partitions (tasks) to cut the images into; default 4 per core of the cluster.")
    int partitions;

    @Option(names = "--model", paramLabel = "FILE", description = "Model file (default: the bundled model).")
    String model;

    @Option(names = "--threshold", paramLabel = "P", description = "Nucleus probability threshold of the instance "
            + "step, in (0, 1) (default: the model's, else " + Predictor.DEFAULT_THRESHOLD + ").")
    Float threshold;

    @Option(names = "--core-threshold", paramLabel = "T",
            description = "Two-channel heads (distance, contour): a nucleus core is where the core score exceeds T, "
                    + "in (0, 1). Default 0.5.")
    Float coreThreshold;

    @Option(names = "--post", paramLabel = "watershed|paper004",
            description = "Instance step: watershed (splits touching nuclei) or paper004 (threshold, fill holes, "
                    + "remove objects < " + Paper004PostProcessing.AREA + " px, 8-connected components). Default: the "
                    + "model file's " + Predictor.META_POST + ", else watershed.")
    String post;

    @Option(names = "--min-size", paramLabel = "PIXELS",
            description = "Smallest nucleus in pixels (default " + Predictor.DEFAULT_MIN_SIZE + ").")
    Integer minSize;

    @Option(names = "--tta", description = "Flip test-time augmentation (4x slower).")
    boolean tta;

    @Option(names = "--diameter", paramLabel = "PX",
            description = "Nuclei diameter in pixels (0: never rescale; default: estimated per image).")
    Double diameter;

    @Option(names = {"--tile", "--tiles"}, paramLabel = "PX", defaultValue = "256",
            description = "Side of the tiles the network sees (multiple of 16). Default ${DEFAULT-VALUE}.")
    int tile;

    @Option(names = "--overlap", paramLabel = "PX", description = "Blended tiles (the default): neighbouring tiles "
            + "overlap by PX and are averaged, default " + Predictor.DEFAULT_OVERLAP + ".")
    Integer overlap;

    @Option(names = "--tile-margin", paramLabel = "PX", description = "Core tiles instead of blended ones: each --tile "
            + "core is predicted with PX pixels of reflected context, 0 <= PX <= tile. Not with --overlap.")
    Integer tileMargin;

    @Option(names = "--pixel-size", paramLabel = "UM", description = "Pixel width in micrometres (default: the "
            + "file's calibration; measurements in um / um2 when known, px otherwise).")
    Double pixelSize;

    @Option(names = "--channel", paramLabel = "N", description = "Channel to segment, 0-based.")
    Integer channel;

    @Option(names = "--page", paramLabel = "N", description = "Page of a multi-page TIFF, 0-based.")
    Integer page;

    @Option(names = "--label-format", paramLabel = "png|tiff", defaultValue = "png",
            description = "Label map format. Default ${DEFAULT-VALUE}.")
    String labelFormat;

    @Option(names = "--save-rois", description = "Also write <name>_rois.zip per image: an ImageJ/Fiji ROI set.")
    boolean saveRois;

    @Option(names = "--geojson", description = "Also write <name>.geojson per image: the nuclei as QuPath detections.")
    boolean geojson;

    @Option(names = "--rle", paramLabel = "FILE", description = "Also write a DSB2018 submission CSV (ImageId,"
            + "EncodedPixels) on the driver, rebuilt from every label map the folder holds.")
    Path rle;

    @Option(names = "--device", paramLabel = "cpu", defaultValue = "cpu",
            description = "cpu only (the default): the executors run the CPU backend, one thread per task core.")
    String device;

    @Option(names = "--quiet", description = "Accepted as `segment`'s: the job prints no line per image anyway.")
    boolean quiet;

    @Option(names = "--overwrite", description = "Remove the results of an earlier run in --out first (needed when "
            + "they are another command's or were made with other options).")
    boolean overwrite;

    /** The session to use (tests); null: one is created for the run and stopped after it. */
    SparkSession session;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        JobSettings settings = settings();
        if (inputs.contains("-")) {
            throw new ParameterException(spec.commandLine(), "'-' (standard input) cannot be read by a cluster's "
                    + "executors: save the image to a file and give its path");
        }
        if (inputs.isEmpty() && list == null) {
            throw new ParameterException(spec.commandLine(), "give INPUT folders, files or globs, or --list FILE");
        }
        if (remote(out)) {
            throw new ParameterException(spec.commandLine(), "--out must be a folder every executor can write as a "
                    + "file (local, or a shared mount such as NFS, /dbfs or EFS), got " + out);
        }
        SparkSession spark = session != null ? session : start();
        try {
            ScreenSegmentation.Outcome o = ScreenSegmentation.run(spark, new ScreenSegmentation.Request(inputs, list,
                    local(out), model, settings, partitions, overwrite, rle == null ? null : local(rle)), err);
            stdout.printf(Locale.ROOT, "%d image(s) segmented, %d skipped (done by an earlier run), %d failed; "
                    + "results in %s%n", o.segmented(), o.skipped(), o.failed(), out);
            stdout.flush();
            return o.failed() == 0 ? 0 : 1;
        } catch (ImageSources.BadInput e) {
            err.println("segment-spark: " + e.getMessage());
            err.flush();
            return 1;
        } catch (ScreenSegmentation.Refused e) {
            err.println("segment-spark: " + e.getMessage());
            err.flush();
            return 2;
        } finally {
            if (session == null) {
                spark.stop();
            }
        }
    }

    /** The options, checked as {@code nucleon segment} checks them (a bad value is a usage error). */
    JobSettings settings() {
        CommandLine cl = spec.commandLine();
        if (minSize != null && minSize < 0) {
            throw new ParameterException(cl, "--min-size must be >= 0, got " + minSize);
        }
        if (pixelSize != null && !(pixelSize > 0 && pixelSize < Double.POSITIVE_INFINITY)) {
            throw new ParameterException(cl, "--pixel-size must be > 0 (micrometres per pixel), got " + pixelSize);
        }
        if (channel != null && channel < 0 || page != null && page < 0) {
            throw new ParameterException(cl, (channel != null && channel < 0 ? "--channel" : "--page")
                    + " must be >= 0 (0 is the first), got " + (channel != null && channel < 0 ? channel : page));
        }
        if (!labelFormat.equals("png") && !labelFormat.equals("tiff")) {
            throw new ParameterException(cl, "--label-format must be png or tiff, got " + labelFormat);
        }
        if (tile < 16 || tile % 16 != 0) {
            throw new ParameterException(cl, "--tile must be a multiple of 16 and >= 16, got " + tile);
        }
        if (overlap != null && tileMargin != null) {
            throw new ParameterException(cl, "--overlap (blended tiles) and --tile-margin (core tiles) are two ways "
                    + "of joining tiles: give one of them");
        }
        int blendedOverlap = overlap != null ? overlap : Predictor.DEFAULT_OVERLAP;
        if (tileMargin == null && (blendedOverlap < 0 || blendedOverlap >= tile / 2)) {
            throw new ParameterException(cl, "--overlap must be in [0, tile/2), got " + blendedOverlap
                    + (overlap == null ? " (the default; give a smaller --overlap for tiles this small)" : ""));
        }
        if (tileMargin != null && (tileMargin < 0 || tileMargin > tile)) {
            throw new ParameterException(cl, "--tile-margin must be in [0, tile] (tile " + tile + "), got "
                    + tileMargin);
        }
        if (coreThreshold != null && !(coreThreshold > 0 && coreThreshold < 1)) {
            throw new ParameterException(cl, "--core-threshold must be in (0, 1), got " + coreThreshold);
        }
        if (post != null) {
            try {
                PostProcessing.parse(post);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, "--post must be one of " + PostProcessing.labels() + ", got " + post);
            }
        }
        if (!device.equals("cpu")) {
            throw new ParameterException(cl, "--device " + device + ": segment-spark runs on the executors' CPUs "
                    + "(a cluster's GPUs are Spark's to assign per executor, not one device per job); "
                    + "use `nucleon segment --device " + device + "` on a GPU machine");
        }
        if (rle != null && remote(rle)) {
            throw new ParameterException(cl, "--rle must be a file the driver can write (local or a shared mount), "
                    + "got " + rle);
        }
        if (diameter != null && !(diameter >= 0 && diameter <= Predictor.MAX_DIAMETER)) {
            throw new ParameterException(cl, "--diameter must be 0 (never rescale) or in (0, "
                    + (int) Predictor.MAX_DIAMETER + "], got " + diameter);
        }
        if (threshold != null && !(threshold > 0 && threshold < 1)) {
            throw new ParameterException(cl, "--threshold must be in (0, 1), got " + threshold);
        }
        if (partitions < 0) {
            throw new ParameterException(cl, "--partitions must be >= 1 (or 0 for the default), got " + partitions);
        }
        return new JobSettings(null, threshold, coreThreshold, post, minSize, tta, diameter, tile, overlap,
                tileMargin, pixelSize, channel, page, labelFormat.equals("tiff"), saveRois, geojson);
    }

    /**
     * Whether a path given as a file is a URI of another file system ({@code s3a://b/x}, which {@link Path} turns
     * into {@code s3a:/b/x}); {@code file:} is this machine's.
     */
    static boolean remote(Path p) {
        String s = p.toString();
        return s.matches("^[A-Za-z][A-Za-z0-9+.-]+:/.*") && !s.startsWith("file:");
    }

    /** {@code file:/x} as the local path {@code /x}; any other path as it is. */
    static Path local(Path p) {
        String s = p.toString();
        return s.startsWith("file:/") ? Path.of(java.net.URI.create("file://" + s.substring("file:".length()))) : p;
    }

    /** A session on {@code --master}, else spark-submit's, else {@code local[*]}. */
    private SparkSession start() {
        SparkSession.Builder b = SparkSession.builder().appName("nucleon segment-spark");
        String m = master != null ? master : new SparkConf().get("spark.master", "local[*]");
        b.master(m);
        if (m.startsWith("local")) {
            b.config("spark.ui.enabled", "false");
        }
        b.config("spark.sql.debug.maxToStringFields", "100"); // the nucleus table has 19 columns
        SparkSession s = b.getOrCreate();
        if (System.getProperty("log4j2.level") == null) {
            s.sparkContext().setLogLevel("WARN");
        }
        return s;
    }

    /**
     * Runs the command and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new SegmentSpark());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("segment-spark: " + ScreenSegmentation.reason(e));
            if (System.getenv("NUCLEON_DEBUG") != null) {
                e.printStackTrace(line.getErr());
            }
            return 1;
        });
        System.exit(cl.execute(args));
    }
}
