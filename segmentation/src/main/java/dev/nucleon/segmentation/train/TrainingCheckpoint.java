package dev.nucleon.segmentation.train;

import dev.nucleon.nn.Module;
import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.nn.io.SafeTensors;
import dev.nucleon.nn.optim.Optimizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The state a {@link Trainer} run leaves at the end of each epoch, committed as <b>one generation</b>, and read
 * back by {@link Trainer#resume}.
 *
 * <p>Files, for a model path {@code dir/X.safetensors}:
 * <pre>
 * dir/X.run/gen-000007/best.safetensors       the best network so far (a hard link to the previous
 *                      last.safetensors        generation's when this epoch did not improve it)
 *                      optimizer.safetensors   optimiser + schedule state; metadata trainer.epoch
 *                      history.csv, curves.png one row / point per epoch up to this one
 * dir/X.run/current                            the manifest: generation=gen-000007, epoch=…, best_epoch=…
 * dir/X.safetensors, X.last.safetensors, X.optimizer.safetensors, X.history.csv, X.curves.png
 *                                              the current generation's files, for people and scripts
 * </pre>
 *
 * <p>Commit of an epoch ({@link #commit}): (1) a new generation folder, numbered one past every generation
 * there, receives the five files, each forced to disk, then the folder itself; (2) {@code current} is
 * replaced atomically (temporary file forced to disk, renamed, folder forced) by a manifest naming it: this
 * rename is the commit point; (3) the files beside the model are replaced, each atomically, by the
 * generation's (hard links, or copies where the file system has none); (4) generations other than the
 * current one and the one before it are removed. A failure or kill before (2) leaves the previous generation
 * current, with nothing of the failed epoch visible to a resume; after (2), the new one, and {@link #restore}
 * first brings the files beside the model up to date with it. So a resume always loads weights, optimiser
 * state, history and epoch of one epoch, and the best model is replaced only when an epoch beat every epoch
 * of the history it is committed with.
 *
 * <p>Runs written before generations existed (no {@code X.run/current}: the repository's
 * {@code docs/bundled-model} runs) resume from {@code X.last.safetensors}, {@code X.optimizer.safetensors}
 * and {@code X.history.csv}; the epochs recorded in the two checkpoints must agree, and the history must hold
 * a row for every epoch up to theirs. Their first commit starts the generations, carrying their best model
 * over.
 */
public final class TrainingCheckpoint {
    /** The manifest naming the current generation, inside the run folder. */
    public static final String MANIFEST = "current";
    static final String BEST = "best.safetensors";
    static final String LAST = "last.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String HISTORY = "history.csv";
    static final String CURVES = "curves.png";
    private static final String PREFIX = "gen-";
    /** Metadata key of the epoch in model and optimiser files. */
    static final String EPOCH_KEY = "trainer.epoch";

    /** The state of one epoch, as the trainer hands it over. */
    record EpochState(int epoch, boolean improved, Module model, Map<String, String> modelMetadata,
                      Optimizer optimizer, Map<String, String> optimizerMetadata, List<EpochRecord> history,
                      int bestEpoch, double bestScore) {
    }

    /** What {@link #restore} loaded: the epoch reached, the optimiser file's metadata, the history up to it. */
    record Restored(int epoch, Map<String, String> optimizerMetadata, List<EpochRecord> history, Path from) {
    }

    private final Trainer.Files files;
    private final Path runFolder;
    private final Path manifest;
    /** The generation the run currently stands on (null before the first commit of a fresh run). */
    private Path current;
    /** A legacy run's best model, the best of the first generation committed after resuming it. */
    private Path legacyBest;
    private Consumer<String> fault = step -> { };

    private TrainingCheckpoint(Trainer.Files files) {
        this.files = files;
        Path model = files.model().toAbsolutePath();
        this.runFolder = model.resolveSibling(stem(model) + ".run");
        this.manifest = runFolder.resolve(MANIFEST);
    }

    /**
     * {@return the run whose best model goes to {@code modelFile}}
     *
     * @param modelFile the best model's path
     */
    public static TrainingCheckpoint of(Path modelFile) {
        return new TrainingCheckpoint(Trainer.Files.of(modelFile));
    }

    /** {@return the run's files} */
    public Trainer.Files files() {
        return files;
    }

    /** {@return {@code dir/X.run}: the generations and the manifest} */
    public Path runFolder() {
        return runFolder;
    }

    /** Called with the step's name before each write of a commit; a test makes it throw to stand for a kill. */
    TrainingCheckpoint faultHook(Consumer<String> hook) {
        this.fault = hook;
        return this;
    }

    private static String stem(Path model) {
        String name = model.getFileName().toString();
        return name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
    }

    // ----- before a run -----------------------------------------------------------------------------------

    /**
     * Checks, before any training, that the run's files can be written: the model path must not be a folder
     * ({@link IllegalArgumentException}), its folder is created if needed and must accept a new file
     * ({@link IOException}, one line naming the folder).
     *
     * @throws IOException when the folder cannot be created or written
     */
    public void checkWritable() throws IOException {
        Path model = files.model().toAbsolutePath();
        if (Files.isDirectory(model)) {
            throw new IllegalArgumentException(files.model() + " is a directory; the model path must name a file, e.g. "
                    + files.model().resolve("model.safetensors"));
        }
        Path folder = model.getParent();
        for (Path p = folder; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new IOException(p + ": not a folder, cannot hold " + files.model().getFileName()
                            + " and the run's other files");
                }
                break;
            }
        }
        try {
            Files.createDirectories(folder);
            Path probe = Files.createTempFile(folder, "." + model.getFileName() + ".", ".probe");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new IOException(folder + ": cannot write the run's files there (" + reason(e) + ")", e);
        }
    }

    private static String reason(Exception e) {
        String name = e.getClass().getSimpleName();
        return switch (name) {
            case "AccessDeniedException" -> "permission denied";
            case "FileSystemException" -> e.getMessage();
            default -> e.getMessage() == null ? name : name + ": " + e.getMessage();
        };
    }

    /**
     * {@return the files of a run already at this model path (the model, its companions, the run folder); empty if none}
     */
    public List<Path> existing() {
        List<Path> out = new ArrayList<>();
        for (Path p : List.of(files.model(), files.last(), files.optimizer(), files.history(), files.curves(),
                runFolder)) {
            if (Files.exists(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** {@return one line: this model path belongs to another run, which files, and what to do} */
    public String existingRunMessage() {
        StringBuilder names = new StringBuilder();
        for (Path p : existing()) {
            names.append(names.length() == 0 ? "" : ", ").append(p.getFileName()).append(Files.isDirectory(p) ? "/" : "");
        }
        return files.model() + ": another run's files are there (" + names + "); continue it with --resume or "
                + "start over with --overwrite";
    }

    /**
     * {@return whether there is a run to resume: a committed generation, or a legacy run's last weights and optimiser}
     */
    public boolean resumable() {
        return Files.isRegularFile(manifest)
                || (Files.isRegularFile(files.last()) && Files.isRegularFile(files.optimizer()));
    }

    /**
     * The last weights a resume starts from (the current generation's, else the legacy {@code X.last.safetensors}):
     * {@code Checkpoint.load} rebuilds the network from it.
     *
     * @return the weights file
     * @throws IOException when the run's manifest cannot be read
     */
    public Path resumeWeights() throws IOException {
        return Files.isRegularFile(manifest) ? readManifest().resolve(LAST) : files.last();
    }

    // ----- resume -----------------------------------------------------------------------------------------

    /**
     * Loads the last weights into {@code model} and the optimiser state into {@code optimizer} from the current
     * generation (or a legacy run's files), with the history up to that epoch, after bringing the files beside
     * the model up to date with the generation.
     */
    Restored restore(Module model, Optimizer optimizer) throws IOException {
        if (Files.isRegularFile(manifest)) {
            Path generation = readManifest();
            Map<String, String> m = readKeyValues(manifest);
            int epoch = parseEpoch(manifest, m.get("epoch"));
            for (String name : List.of(BEST, LAST, OPTIMIZER, HISTORY, CURVES)) {
                if (!Files.isRegularFile(generation.resolve(name))) {
                    throw new IOException(manifest + ": names " + generation.getFileName() + ", which lacks " + name);
                }
            }
            Restored r = load(generation.resolve(LAST), generation.resolve(OPTIMIZER), generation.resolve(HISTORY),
                    epoch, model, optimizer);
            current = generation;
            export(true);
            return r;
        }
        if (!Files.isRegularFile(files.last()) || !Files.isRegularFile(files.optimizer())) {
            throw new IOException("nothing to resume at " + files.model() + ": no " + manifest + ", and no "
                    + files.last().getFileName() + " + " + files.optimizer().getFileName());
        }
        Map<String, String> lastMeta = SafeTensors.read(files.last()).metadata();
        Map<String, String> optMeta = SafeTensors.read(files.optimizer()).metadata();
        int epoch = parseEpoch(files.optimizer(), optMeta.get(EPOCH_KEY));
        if (lastMeta.containsKey(EPOCH_KEY) && parseEpoch(files.last(), lastMeta.get(EPOCH_KEY)) != epoch) {
            throw new IOException(files.last() + " holds epoch " + lastMeta.get(EPOCH_KEY) + " but "
                    + files.optimizer().getFileName() + " epoch " + epoch
                    + ": the run was interrupted between writing them, so they do not resume together");
        }
        Restored r = load(files.last(), files.optimizer(), Files.exists(files.history()) ? files.history() : null,
                epoch, model, optimizer);
        if (Files.exists(files.history()) && r.history().size() < epoch) {
            throw new IOException(files.history() + " has " + r.history().size() + " rows but "
                    + files.optimizer().getFileName() + " holds epoch " + epoch
                    + ": the run was interrupted between writing them, so they do not resume together");
        }
        legacyBest = Files.isRegularFile(files.model()) ? files.model() : null;
        return r;
    }

    private static Restored load(Path last, Path optimizerFile, Path history, int epoch, Module model,
                                 Optimizer optimizer) throws IOException {
        Checkpoint.loadWeights(last, model, true);
        Map<String, String> meta = Checkpoint.loadOptimizer(optimizerFile, optimizer);
        if (parseEpoch(optimizerFile, meta.get(EPOCH_KEY)) != epoch) {
            throw new IOException(optimizerFile + ": holds epoch " + meta.get(EPOCH_KEY) + ", expected " + epoch);
        }
        List<EpochRecord> rows = new ArrayList<>();
        if (history != null) {
            for (EpochRecord r : TrainingHistory.read(history)) {
                if (r.epoch() <= epoch) {
                    rows.add(r);
                }
            }
        }
        return new Restored(epoch, meta, rows, optimizerFile.getParent());
    }

    private static int parseEpoch(Path file, String value) throws IOException {
        try {
            return Integer.parseInt(value == null ? "0" : value.trim());
        } catch (NumberFormatException e) {
            throw new IOException(file + ": epoch '" + value + "' is not a number", e);
        }
    }

    /** The current generation's folder, as the manifest names it. */
    private Path readManifest() throws IOException {
        String name = readKeyValues(manifest).get("generation");
        if (name == null || !name.matches(PREFIX + "\\d+")) {
            throw new IOException(manifest + ": no valid 'generation=" + PREFIX + "NNNNNN' line");
        }
        return runFolder.resolve(name);
    }

    private static Map<String, String> readKeyValues(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return out;
    }

    // ----- commit -----------------------------------------------------------------------------------------

    /** Commits the end-of-epoch state as one generation (see the class description). */
    void commit(EpochState s) throws IOException {
        Files.createDirectories(runFolder);
        Path generation = runFolder.resolve(String.format(Locale.ROOT, PREFIX + "%06d", nextNumber()));
        deleteTree(generation);
        Files.createDirectory(generation);
        Path previousBest = current != null ? current.resolve(BEST) : legacyBest;
        step("best");
        if (s.improved() || previousBest == null) {
            Checkpoint.save(generation.resolve(BEST), s.model(), s.modelMetadata());
        } else {
            linkOrCopy(previousBest, generation.resolve(BEST));
        }
        force(generation.resolve(BEST));
        step("last");
        Checkpoint.save(generation.resolve(LAST), s.model(), s.modelMetadata());
        force(generation.resolve(LAST));
        step("optimizer");
        Checkpoint.saveOptimizer(generation.resolve(OPTIMIZER), s.optimizer(), s.optimizerMetadata());
        force(generation.resolve(OPTIMIZER));
        step("history");
        Files.writeString(generation.resolve(HISTORY), TrainingHistory.toCsv(s.history()), StandardCharsets.UTF_8);
        force(generation.resolve(HISTORY));
        step("curves");
        TrainingCurves.write(generation.resolve(CURVES), s.history());
        force(generation.resolve(CURVES));
        force(generation);
        step("publish");
        String text = "generation=" + generation.getFileName() + "\nepoch=" + s.epoch() + "\nbest_epoch="
                + s.bestEpoch() + "\nbest_score=" + s.bestScore() + "\n";
        AtomicFileWriter.write(manifest, tmp -> {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            force(tmp);
        });
        force(runFolder);
        Path before = current;
        current = generation;
        legacyBest = null;
        export(s.improved());
        step("prune");
        prune(before);
    }

    private void step(String name) {
        fault.accept(name);
    }

    /** One past the highest generation number in the run folder. */
    private int nextNumber() throws IOException {
        int max = 0;
        for (Path g : generations()) {
            max = Math.max(max, Integer.parseInt(g.getFileName().toString().substring(PREFIX.length())));
        }
        return max + 1;
    }

    private List<Path> generations() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(runFolder)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(runFolder, PREFIX + "[0-9]*")) {
            for (Path p : ds) {
                if (p.getFileName().toString().substring(PREFIX.length()).matches("\\d+")) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** Replaces the files beside the model by the current generation's; the best model only when {@code best}. */
    private void export(boolean best) throws IOException {
        if (best) {
            step("export-best");
            replace(files.model(), current.resolve(BEST));
        }
        step("export-last");
        replace(files.last(), current.resolve(LAST));
        step("export-optimizer");
        replace(files.optimizer(), current.resolve(OPTIMIZER));
        step("export-history");
        replace(files.history(), current.resolve(HISTORY));
        step("export-curves");
        replace(files.curves(), current.resolve(CURVES));
    }

    private static void replace(Path target, Path source) throws IOException {
        AtomicFileWriter.write(target, tmp -> {
            Files.delete(tmp);
            linkOrCopy(source, tmp);
        });
    }

    /** Removes every generation but the current one and {@code keep}. */
    private void prune(Path keep) throws IOException {
        for (Path g : generations()) {
            if (!g.equals(current) && !g.equals(keep)) {
                deleteTree(g);
            }
        }
    }

    private static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (UnsupportedOperationException | IOException e) {
            Files.deleteIfExists(target);
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            force(target);
        }
    }

    /** Forces a file's (or folder's) content to disk; folders where the platform cannot open them are skipped. */
    static void force(Path p) throws IOException {
        boolean folder = Files.isDirectory(p);
        try (FileChannel ch = FileChannel.open(p, folder ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!folder) {
                throw e;
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
