package dev.nucleon.benchmarks;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.io.ImageFileReader;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Whole-image segmentation as a user runs it: {@link Predictor#segment(FloatImage)} on every image of a folder,
 * i.e. the network-input conversion, then, when the model file records its training nucleus diameter
 * ({@code nucleon.diameter}), the first pass that estimates the nucleus size and, when the nuclei differ from the
 * training size, the rescaled second pass (a model without that record runs one pass at scale 1), the blended overlapping 256×256 tiles (batched forward passes,
 * no autograd, layer fusion as {@link Predictor#load} applies it) and the instance decoding. One invocation
 * segments every image of {@code images} once (decoded in the setup: file decoding is not timed); the primary
 * score is milliseconds per invocation, i.e. per pass over the whole folder.
 *
 * <p>{@code model} is {@code bundled} ({@link Predictor#bundled()}, the model in the segmentation jar) or a model
 * file written by the trainer, resolved against the working directory; several values put several models in the
 * same run, each in its own fork on the same images. {@code images} is a folder searched recursively for
 * {@code .png .tif .tiff .jpg .jpeg .bmp} files, skipping label maps ({@code labels.png}, {@code *_labels.*}),
 * overlays ({@code *_overlay.*}) and {@code masks/} folders (the rule of {@code nucleon segment}); the default
 * {@code samples} is the repository's four DSB2018 images (256×256, 360×360, 320×256 colour, 696×520: 638,976
 * pixels). {@code threads} is the CPU backend's thread count ({@link CpuSettings}). {@code diameter} is
 * {@code auto} (the predictor's estimate from the first pass, the default of {@code nucleon segment}), {@code 0}
 * (rescaling off: one pass per image) or a nucleus diameter in pixels ({@link Predictor#diameter}).
 *
 * <p>Comparing the bundled model with a previous model file, from the repository root:
 * <pre>
 * mvn -B -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar WholeImageBenchmark -f 1 -wi 1 -i 5 \
 *     -p model=bundled,docs/models/nuclei-foreground-v1.safetensors -p diameter=auto,0
 * </pre>
 *
 * <p>Reading the output: the mode is average time in milliseconds, and the {@link Megapixels} aux counter adds the
 * folder's pixel count / 10⁶ per invocation, which JMH divides into the same measured time, so next to each
 * {@code WholeImageBenchmark.segment} row (ms per pass over the folder) there is a
 * {@code WholeImageBenchmark.segment:megapixels} row whose score, printed as {@code ms/op}, is <b>milliseconds per
 * megapixel</b>. The ratio of two {@code :megapixels} rows with the same {@code images}, {@code threads} and
 * {@code diameter} is the new-vs-previous cost per megapixel. With {@code diameter=auto} a model that sees its
 * nuclei at a size far from its training size pays for a rescaled second pass (on an image up to
 * {@value Predictor#MAX_AUTO_SCALE}× larger per side), so that ratio includes the model's own rescaling decisions;
 * {@code diameter=0} isolates the per-pixel cost of the network and the decoding. The setup prints the images, their
 * pixel count and the model's training diameter to the fork's output.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 5, time = 10)
public class WholeImageBenchmark {

    /** Image file extensions searched for, as {@code nucleon segment} does. */
    static final List<String> EXTENSIONS = List.of(".png", ".tif", ".tiff", ".jpg", ".jpeg", ".bmp");

    /** {@code bundled} or a model file path (relative to the working directory). */
    @Param({"bundled"})
    public String model;

    /** A folder of images, searched recursively. */
    @Param({"samples"})
    public String images;

    @Param({"2"})
    public int threads;

    /** {@code auto}, {@code 0} (no rescaling) or a nucleus diameter in pixels. */
    @Param({"auto"})
    public String diameter;

    Predictor predictor;
    List<FloatImage> decoded;
    /** Pixels of all images together (width × height, summed). */
    long pixels;

    @Setup
    public void setUp() throws IOException {
        CpuSettings.apply(threads, "vector");
        predictor = loadModel(model);
        if (!diameter.equals("auto")) {
            double d;
            try {
                d = Double.parseDouble(diameter);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("diameter must be 'auto', '0' or a diameter in pixels, got '"
                        + diameter + "'", e);
            }
            predictor.diameter(d);
        }
        Path folder = Path.of(images).toAbsolutePath().normalize();
        List<Path> files = imagesIn(folder);
        decoded = new ArrayList<>();
        pixels = 0;
        for (Path f : files) {
            FloatImage image = ImageFileReader.read(f);
            decoded.add(image);
            pixels += (long) image.width() * image.height();
        }
        double trained = predictor.trainingDiameter();
        System.out.printf(Locale.ROOT, "%nWholeImageBenchmark: model=%s (training diameter %s, input %s, head %s),"
                        + " %d images in %s, %d pixels (%.4f MP), diameter=%s, threads=%d%n", model,
                Double.isNaN(trained) ? "not recorded: no rescaling" : String.format(Locale.ROOT, "%.1f px", trained),
                predictor.input(), predictor.head().label(), decoded.size(), folder, pixels, megapixels(), diameter,
                threads);
    }

    /** One pass over the folder: every image segmented once. */
    @Benchmark
    public void segment(Megapixels counter, Blackhole bh) {
        for (FloatImage image : decoded) {
            LabelImage labels = predictor.segment(image);
            bh.consume(labels);
        }
        counter.megapixels += megapixels();
    }

    private double megapixels() {
        return pixels / 1e6;
    }

    /**
     * JMH secondary result {@code megapixels}: each invocation adds the megapixels it segmented; in this
     * average-time benchmark JMH reports the measured time divided by that count, i.e. ms per megapixel.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Megapixels {

        /** Megapixels segmented in this iteration (a public field is how JMH finds the counter). */
        public double megapixels;

        @Setup(Level.Iteration)
        public void reset() {
            megapixels = 0;
        }
    }

    static Predictor loadModel(String model) throws IOException {
        if (model.equals("bundled")) {
            return Predictor.bundled();
        }
        Path file = Path.of(model).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("model file not found: " + file + " (model=" + model
                    + ", resolved against the working directory " + Path.of("").toAbsolutePath()
                    + "; use 'bundled' for the model in the segmentation jar)");
        }
        return Predictor.load(file);
    }

    /**
     * Image files under {@code folder}, sorted: every file with one of {@link #EXTENSIONS}, except label maps
     * ({@code labels.*}, {@code *_labels.*}), overlays ({@code *_overlay.*}), hidden files and {@code masks/} folders.
     */
    static List<Path> imagesIn(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("images: no such folder " + folder + " (resolved against the working "
                    + "directory " + Path.of("").toAbsolutePath() + ")");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(folder)) {
            files = s.filter(Files::isRegularFile).filter(p -> isImage(folder, p)).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("images: no image files (" + String.join(" ", EXTENSIONS) + ") under "
                    + folder + " besides label maps, overlays and masks/");
        }
        return files;
    }

    static boolean isImage(Path folder, Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.startsWith(".") || EXTENSIONS.stream().noneMatch(n::endsWith)) {
            return false;
        }
        String stem = n.substring(0, n.lastIndexOf('.'));
        if (stem.equals("labels") || stem.endsWith("_labels") || stem.endsWith("_overlay")) {
            return false;
        }
        for (Path part : folder.relativize(p)) {
            if (part.toString().equals("masks")) {
                return false;
            }
        }
        return true;
    }
}
