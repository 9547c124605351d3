package dev.nucleon.benchmarks.report;

import dev.nucleon.benchmarks.ModelSpec;
import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.segmentation.io.ImageFileWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns JMH JSON result files of the network benchmarks ({@code InferenceBenchmark}, {@code TrainingStepBenchmark}
 * and the DL4J peers {@code Dl4jInferenceBenchmark}, {@code Dl4jTrainingStepBenchmark}) into a Markdown results
 * section and a PNG bar chart of ms per patch.
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.nucleon.benchmarks.report.BenchmarkReport \
 *     --markdown benchmarks/results/results.md --png benchmarks/results/inference.png \
 *     [--readme benchmarks/README.md] [--machine TEXT] RESULT.json...
 * </pre>
 * {@code --readme} replaces the text between {@value #BEGIN} and {@value #END} in that file with the section.
 * Every file is written atomically (a temporary file, then a rename).
 */
public final class BenchmarkReport {

    static final String BEGIN = "<!-- results:begin -->";
    static final String END = "<!-- results:end -->";

    static final String INFERENCE = "InferenceBenchmark";
    static final String DL4J_INFERENCE = "Dl4jInferenceBenchmark";
    static final String TRAINING = "TrainingStepBenchmark";
    static final String DL4J_TRAINING = "Dl4jTrainingStepBenchmark";

    /** Paper 004's own figures, ms per patch on a GTX 1080 Ti (its Table 3), by {@link ModelSpec} text. */
    static final Map<String, Double> PAPER_004_GPU = Map.of("unet:16", 14.9, "unet:8", 9.5,
            "unet-plusplus:16", 22.0, "unet-plusplus:8", 14.1, "unet-plus:16", 15.3, "unet-plus:8", 12.4);

    private static final List<String> ORDER = Arrays.stream(ModelSpec.ALL.split(",")).map(String::trim).toList();

    private BenchmarkReport() {
    }

    /** A row of either table: one model, batch, thread count, patch size and Nucleon device. */
    record Key(String model, int batch, int threads, int size, String device) {

        static Key of(JmhResult r) {
            return new Key(r.param("model", "?"), r.intParam("batch", 1), r.intParam("threads", 1),
                    r.intParam("size", 256), r.param("backend", "cpu"));
        }

        /** The same measurement on the CPU: where the peers (always CPU) are looked up. */
        Key onCpu() {
            return new Key(model, batch, threads, size, "cpu");
        }

        ModelSpec spec() {
            return ModelSpec.parse(model);
        }
    }

    // ----- Markdown -----------------------------------------------------------------------------------------

    /**
     * The results section: machine, JDK and date lines, the inference table and the training-step table (each
     * only when there are results for it).
     */
    public static String markdown(List<JmhResult> results, String machine, String date) {
        StringBuilder md = new StringBuilder();
        Set<String> jdks = results.stream().map(JmhResult::jdk).collect(Collectors.toCollection(LinkedHashSet::new));
        md.append("| | |\n|---|---|\n");
        md.append("| machine | ").append(machine).append(" |\n");
        md.append("| JDK | ").append(String.join("; ", jdks)).append(" |\n");
        md.append("| date | ").append(date).append(" |\n\n");
        List<Key> inference = keys(results, INFERENCE, DL4J_INFERENCE);
        if (!inference.isEmpty()) {
            md.append("### Per-patch inference (").append(sizes(inference)).append(")\n\n");
            md.append("ms/patch = JMH score (ms per forward pass of `batch` patches) / batch, ± JMH's 99.9 % error. ")
                    .append("Ratio = Nucleon / peer (below 1: Nucleon is faster). The last column is paper 004's own ")
                    .append("GPU figure (GTX 1080 Ti), quoted for reference: not measured here.\n\n");
            md.append("| preset | B | batch | device | threads | Nucleon ms/patch | ORT ms/patch | DL4J ms/patch "
                    + "| ratio vs ORT | ratio vs DL4J | paper 004 GPU ms/patch (GTX 1080 Ti, theirs) |\n");
            md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (Key k : inference) {
                Optional<JmhResult> nucleon = find(results, INFERENCE, "nucleon", k);
                Optional<JmhResult> ort = find(results, INFERENCE, "onnxRuntime", k.onCpu());
                Optional<JmhResult> dl4j = find(results, DL4J_INFERENCE, "dl4j", k.onCpu());
                Double paper = PAPER_004_GPU.get(k.model());
                md.append(String.format(Locale.ROOT, "| `%s` | %s | %d | %s | %d | %s | %s | %s | %s | %s | %s |%n",
                        k.spec().preset(), base(k), k.batch(), k.device(), k.threads(), perPatch(nucleon, k.batch()),
                        perPatch(ort, k.batch()), perPatch(dl4j, k.batch()), ratio(nucleon, ort), ratio(nucleon, dl4j),
                        paper == null ? "—" : String.format(Locale.ROOT, "%.1f", paper)));
            }
            md.append('\n');
        }
        List<Key> training = keys(results, TRAINING, DL4J_TRAINING);
        if (!training.isEmpty()) {
            md.append("### Training step (").append(sizes(training)).append(")\n\n");
            md.append("One step = zero-grad, forward (training mode), loss, backward, Adam (lr 1e-3). patches/s = ")
                    .append("1000 · batch / (ms/step). Nucleon uses the preset paper's loss (column loss); DL4J uses ")
                    .append("its built-in binary cross-entropy (XENT), a negligible part of a step.\n\n");
            md.append("| preset | B | batch | device | threads | loss | Nucleon ms/step | Nucleon patches/s "
                    + "| DL4J ms/step | DL4J patches/s | ratio vs DL4J |\n");
            md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (Key k : training) {
                Optional<JmhResult> nucleon = find(results, TRAINING, "nucleon", k);
                Optional<JmhResult> dl4j = find(results, DL4J_TRAINING, "dl4j", k.onCpu());
                md.append(String.format(Locale.ROOT, "| `%s` | %s | %d | %s | %d | %s | %s | %s | %s | %s | %s |%n",
                        k.spec().preset(), base(k), k.batch(), k.device(), k.threads(), k.spec().trainingLossName(),
                        perPatch(nucleon, 1), patchesPerSecond(nucleon, k.batch()), perPatch(dl4j, 1),
                        patchesPerSecond(dl4j, k.batch()), ratio(nucleon, dl4j)));
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** The rows of one table: every key of the two classes, in {@link ModelSpec#ALL} order, then batch, threads. */
    static List<Key> keys(List<JmhResult> results, String nucleonClass, String peerClass) {
        Set<Key> keys = new LinkedHashSet<>();
        for (JmhResult r : results) {
            if (r.benchmarkClass().equals(nucleonClass) && r.method().equals("nucleon")) {
                keys.add(Key.of(r));
            }
        }
        for (JmhResult r : results) {
            boolean peer = r.benchmarkClass().equals(peerClass)
                    || r.benchmarkClass().equals(nucleonClass) && !r.method().equals("nucleon");
            Key k = Key.of(r).onCpu();
            if (peer && keys.stream().noneMatch(x -> x.onCpu().equals(k))) {
                keys.add(k);
            }
        }
        return keys.stream().sorted(Comparator.comparingInt((Key k) -> order(k.model())).thenComparing(Key::model)
                .thenComparingInt(Key::batch).thenComparingInt(Key::threads).thenComparingInt(Key::size)
                .thenComparing(Key::device)).toList();
    }

    private static int order(String model) {
        int i = ORDER.indexOf(model);
        return i < 0 ? ORDER.size() : i;
    }

    static Optional<JmhResult> find(List<JmhResult> results, String benchmarkClass, String method, Key key) {
        return results.stream().filter(r -> r.benchmarkClass().equals(benchmarkClass) && r.method().equals(method)
                && Key.of(r).equals(key)).findFirst();
    }

    private static String sizes(List<Key> keys) {
        return keys.stream().map(k -> k.size() + " × " + k.size()).distinct().collect(Collectors.joining(", "))
                + " patches";
    }

    private static String base(Key k) {
        Integer b = k.spec().base();
        return b == null ? "—" : b.toString();
    }

    /** "12.3 ± 0.4": the score (and error) divided by {@code per}, or "—". */
    static String perPatch(Optional<JmhResult> r, int per) {
        if (r.isEmpty()) {
            return "—";
        }
        double v = r.get().ms() / per;
        double e = r.get().msError() / per;
        String format = v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f";
        String text = String.format(Locale.ROOT, format, v);
        return Double.isFinite(e) ? text + " ± " + String.format(Locale.ROOT, format, e) : text;
    }

    private static String patchesPerSecond(Optional<JmhResult> r, int batch) {
        return r.map(x -> String.format(Locale.ROOT, "%.2f", 1000.0 * batch / x.ms())).orElse("—");
    }

    /** Nucleon time / peer time, two decimals, or "—". */
    static String ratio(Optional<JmhResult> nucleon, Optional<JmhResult> peer) {
        if (nucleon.isEmpty() || peer.isEmpty()) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.2f", nucleon.get().ms() / peer.get().ms());
    }

    // ----- files --------------------------------------------------------------------------------------------

    /** Replaces the text between {@link #BEGIN} and {@link #END} in {@code document} with {@code section}. */
    static String replaceSection(String document, String section) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("no '" + BEGIN + "' … '" + END + "' section to replace");
        }
        return document.substring(0, begin + BEGIN.length()) + "\n" + section + document.substring(end);
    }

    /** CPU model, cores and memory of this machine, from /proc where it exists. */
    static String describeMachine() {
        String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch"));
        String memory = firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(kb -> String.format(Locale.ROOT, ", %.0f GiB memory",
                        Long.parseLong(kb.replaceAll("[^0-9]", "")) / 1048576.0))
                .orElse("");
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores" + memory + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    private static Optional<String> firstValue(Path file, String key) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(key)).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public static void main(String[] args) throws IOException {
        Path markdown = null;
        Path png = null;
        Path readme = null;
        String machine = null;
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--markdown" -> markdown = Path.of(value(args, ++i));
                case "--png" -> png = Path.of(value(args, ++i));
                case "--readme" -> readme = Path.of(value(args, ++i));
                case "--machine" -> machine = value(args, ++i);
                default -> inputs.add(Path.of(args[i]));
            }
        }
        if (inputs.isEmpty()) {
            System.err.println("usage: BenchmarkReport [--markdown FILE] [--png FILE] [--readme FILE] [--machine TEXT]"
                    + " RESULT.json...");
            System.exit(2);
        }
        List<JmhResult> results = JmhResult.read(inputs);
        String section = markdown(results, machine != null ? machine : describeMachine(),
                LocalDate.now(ZoneOffset.UTC).toString());
        if (png != null) {
            ImageFileWriter.writeImage(BenchmarkChart.draw(results), png);
        }
        if (markdown != null) {
            AtomicFileWriter.writeString(markdown, section + chartLink(markdown, png));
        }
        if (readme != null) {
            AtomicFileWriter.writeString(readme, replaceSection(Files.readString(readme), section + chartLink(readme, png)));
        }
        if (markdown == null && readme == null) {
            System.out.print(section);
        }
    }

    /** A Markdown image line for the chart, relative to the document that shows it; empty without a chart. */
    private static String chartLink(Path document, Path png) {
        return png == null ? "" : "![ms per patch by preset and implementation](" + relative(document, png) + ")\n";
    }

    private static String relative(Path document, Path target) {
        if (document == null || document.toAbsolutePath().getParent() == null) {
            return target.toString();
        }
        return document.toAbsolutePath().getParent().relativize(target.toAbsolutePath()).toString();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
