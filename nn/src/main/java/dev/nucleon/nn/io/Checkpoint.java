package dev.nucleon.nn.io;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.ModelConfig;
import dev.nucleon.nn.ModelRegistry;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.ParameterBudget;
import dev.nucleon.nn.optim.Optimizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Model and optimiser checkpoints in the safetensors format ({@link SafeTensors}).
 *
 * <p><b>Model files</b> hold every parameter and buffer under its {@link Module#stateDict()} name (PyTorch's
 * names and layouts, so {@code safetensors.torch.load_file} gives a state dict PyTorch loads as is), plus
 * metadata: {@code format = pt} (the Hugging Face convention for PyTorch-layout weights) and, when the
 * network was built through the {@link ModelRegistry}, {@value #CONFIG_KEY} = its {@link ModelConfig} as
 * JSON — {@code {"builder":"unet","args":{"base":"16"}}} — so {@link #load(Path)} rebuilds the network from
 * the file alone.
 *
 * <p><b>Optimiser files</b> hold the optimiser's state tensors ({@code <parameter>.<slot>}, e.g.
 * {@code encoder.0.weight.exp_avg}) and metadata {@value #OPTIMIZER_KEY} (the algorithm),
 * {@code nucleon.optimizer.step}, {@code nucleon.optimizer.lr} and the hyper-parameters, plus any
 * caller-supplied entries (a schedule's counters, the epoch) that {@link #loadOptimizer} hands back.
 */
public final class Checkpoint {

    /** Metadata key of the network configuration. */
    public static final String CONFIG_KEY = "nucleon.config";
    /** Metadata key of the optimiser's algorithm name. */
    public static final String OPTIMIZER_KEY = "nucleon.optimizer";
    private static final String STEP_KEY = OPTIMIZER_KEY + ".step";
    private static final String LR_KEY = OPTIMIZER_KEY + ".lr";
    /** PyTorch's batch-norm batch counter, which Nucleon does not keep; skipped when loading weights. */
    private static final String NUM_BATCHES_TRACKED = "num_batches_tracked";
    /** Batch norm's running variance buffer, checked to be ≥ 0 when loading. */
    private static final String RUNNING_VAR = "running_var";

    private Checkpoint() {
    }

    // ----- models -----------------------------------------------------------------------------------------

    /**
     * Saves the network's parameters, buffers and configuration (if any).
     *
     * @param path  the target {@code .safetensors} file (written atomically)
     * @param model the network
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public static void save(Path path, Module model) throws IOException {
        save(path, model, Map.of());
    }

    /**
     * As {@link #save(Path, Module)}, with extra metadata entries (string → string).
     *
     * @param path          the target {@code .safetensors} file (written atomically)
     * @param model         the network
     * @param extraMetadata more entries, e.g. the input conversion a segmentation model was trained with
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public static void save(Path path, Module model, Map<String, String> extraMetadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(extraMetadata);
        meta.put("format", "pt");
        if (model.config() != null) {
            meta.put(CONFIG_KEY, encodeConfig(model.config()));
        }
        SafeTensors.write(path, model.stateDict(), meta);
    }

    /**
     * Rebuilds the network recorded in the file's {@value #CONFIG_KEY} through the {@link ModelRegistry} and
     * loads its weights (strictly). The network is returned in inference mode. See {@link #load(SafeTensorsFile)}
     * for the checks.
     *
     * @param path a model file
     * @return the network, in inference mode
     * @throws IOException when the file cannot be read or written, or its content is refused (a {@link CheckpointException} naming the file and the tensor)
     */
    public static Module load(Path path) throws IOException {
        return load(SafeTensors.read(path));
    }

    /**
     * As {@link #load(Path)}, from a stream read to its end (e.g. a model shipped as a class-path resource),
     * with no temporary file; {@code source} names it in error messages. The stream is not closed.
     *
     * @param in     the stream, read to its end
     * @param source what messages call it, e.g. {@code "classpath:/models/x.safetensors"}
     * @return the network, in inference mode
     * @throws IOException when the file cannot be read or written, or its content is refused (a {@link CheckpointException} naming the file and the tensor)
     */
    public static Module load(InputStream in, String source) throws IOException {
        return load(SafeTensors.read(in, source));
    }

    /**
     * As {@link #load(Path)}, from a file already read. Before the network is built, its size is bounded by the
     * file's: the build may allocate at most twice the values the file's tensors hold, plus
     * {@value #BUILD_SLACK} ({@link ParameterBudget}), so a configuration that disagrees with the weights
     * ({@code base=4096} in a 2 MB file) is refused at once instead of allocating gigabytes. After loading, every
     * value must be finite and batch-norm running variances must be ≥ 0 (see {@link #loadWeights}).
     *
     * @param file a model file already read
     * @return the network, in inference mode
     * @throws IOException when the file cannot be read or written, or its content is refused (a {@link CheckpointException} naming the file and the tensor)
     */
    public static Module load(SafeTensorsFile file) throws IOException {
        String json = file.metadata().get(CONFIG_KEY);
        if (json == null) {
            throw new CheckpointException(file.source(), "no '" + CONFIG_KEY + "' metadata: the file holds weights only;"
                    + " build the network and call Checkpoint.loadWeights(path, network)");
        }
        long held = storedValues(file);
        Module model;
        try {
            ModelConfig config = decodeConfig(json);
            model = ParameterBudget.limit(2 * held + BUILD_SLACK, () -> ModelRegistry.build(config));
        } catch (ParameterBudget.Exceeded e) {
            throw new CheckpointException(file.source(), String.format(Locale.ROOT, "its configuration %s describes a"
                    + " network of more than %,d values (%s), but the file's tensors hold %,d (%s); the configuration and"
                    + " the weights disagree, so the network was not built", json, e.reached(), floatSize(e.reached()),
                    held, floatSize(held)));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file.source(), e.getMessage(), e);
        }
        loadInto(file, model, true);
        model.eval();
        return model;
    }

    /**
     * Values a network may allocate beyond twice the file's when it is rebuilt (4 MB of float32), for builders
     * that create a few values they do not keep.
     */
    public static final long BUILD_SLACK = 1L << 20;

    /** Elements of the file's tensors that a network holds (PyTorch's batch counters excluded). */
    private static long storedValues(SafeTensorsFile file) throws CheckpointException {
        long n = 0;
        for (String name : file.names()) {
            if (!isBatchCounter(name)) {
                n += file.entry(name).numel();
            }
        }
        return n;
    }

    /** {@code 781} → {@code "3.1 kB as float32"}; MB and GB (powers of 1024) above. */
    private static String floatSize(long floats) {
        double bytes = floats * 4.0;
        String[] units = {"kB", "MB", "GB"};
        int u = bytes < 1 << 20 ? 0 : bytes < 1 << 30 ? 1 : 2;
        return String.format(Locale.ROOT, "%.1f %s as float32", bytes / Math.pow(1024, u + 1), units[u]);
    }

    /**
     * Reads only the network configuration recorded in a model file (null when there is none).
     *
     * @param path a model file
     * @return the configuration, or null
     * @throws IOException when the file cannot be read or written, or its content is refused (a {@link CheckpointException} naming the file and the tensor)
     */
    public static ModelConfig readConfig(Path path) throws IOException {
        String json = SafeTensors.read(path).metadata().get(CONFIG_KEY);
        try {
            return json == null ? null : decodeConfig(json);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, e.getMessage(), e);
        }
    }

    /**
     * Loads a file's tensors into {@code model} by name. Shapes must match. PyTorch's
     * {@code *.num_batches_tracked} entries are ignored. With {@code strict} every parameter and buffer must be
     * in the file and every tensor of the file must belong to the model. Every value loaded must be finite, and
     * batch-norm running variances ({@code *.running_var}) must be ≥ 0: weights with NaN (a diverged training)
     * would otherwise load silently and find nothing. Each refusal is a {@link CheckpointException} naming the
     * file and the tensor; the model is left unchanged.
     *
     * @param path   a weights file
     * @param model  the network to load into
     * @param strict whether every name must match both ways
     * @return what was missing and unexpected (empty lists when strict)
     * @throws IOException when the file cannot be read or written, or its content is refused (a {@link CheckpointException} naming the file and the tensor)
     */
    public static Module.LoadResult loadWeights(Path path, Module model, boolean strict) throws IOException {
        return loadInto(SafeTensors.read(path), model, strict);
    }

    private static Module.LoadResult loadInto(SafeTensorsFile file, Module model, boolean strict) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, int[]> expected = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> expected.put(k, v.shape()));
        for (String name : file.names()) {
            if (isBatchCounter(name)) {
                continue;
            }
            int[] shape = expected.get(name);
            int[] found = file.entry(name).shape();
            if (shape != null && !java.util.Arrays.equals(shape, found)) {
                throw new CheckpointException(file.source(), "tensor '" + name + "' has shape " + java.util.Arrays.toString(found)
                        + ", the network expects " + java.util.Arrays.toString(shape));
            }
            // unknown names get a placeholder (never converted) so loadStateDict reports them
            if (shape != null) {
                Tensor t = file.tensor(name);
                checkValues(file, name, t.toArray(), name.equals(RUNNING_VAR) || name.endsWith("." + RUNNING_VAR));
                tensors.put(name, t);
            } else {
                tensors.put(name, Tensor.zeros(0));
            }
        }
        try {
            return model.loadStateDict(tensors, strict);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file.source(), e.getMessage(), e);
        }
    }

    private static boolean isBatchCounter(String name) {
        return name.equals(NUM_BATCHES_TRACKED) || name.endsWith("." + NUM_BATCHES_TRACKED);
    }

    /** Refuses NaN and ±Inf values and, for a variance, negative ones. */
    private static void checkValues(SafeTensorsFile file, String name, float[] v, boolean variance)
            throws CheckpointException {
        int first = -1, count = 0;
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i]) || (variance && v[i] < 0)) {
                first = first < 0 ? i : first;
                count++;
            }
        }
        if (count == 0) {
            return;
        }
        boolean nonFinite = !Float.isFinite(v[first]);
        throw new CheckpointException(file.source(), "tensor '" + name + "' holds " + count + " "
                + (nonFinite ? "NaN or infinite" : "negative") + " value" + (count == 1 ? "" : "s") + " of " + v.length
                + " (first " + v[first] + " at index " + first + ")" + (nonFinite ? "; the weights are unusable (a"
                + " diverged training?)" : "; a batch-norm running variance is never negative"));
    }

    // ----- optimisers -------------------------------------------------------------------------------------

    /**
     * Saves the optimiser's state, step count, learning rate and hyper-parameters, plus {@code extraMetadata}.
     *
     * @param path          the target (written atomically)
     * @param optimizer     the optimiser
     * @param extraMetadata more entries (e.g. the epoch)
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public static void saveOptimizer(Path path, Optimizer optimizer, Map<String, String> extraMetadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(extraMetadata);
        meta.put(OPTIMIZER_KEY, optimizer.name());
        meta.put(STEP_KEY, Long.toString(optimizer.stepCount()));
        meta.put(LR_KEY, Double.toString(optimizer.learningRate()));
        optimizer.hyperparameters().forEach((k, v) -> meta.put(OPTIMIZER_KEY + "." + k, v));
        SafeTensors.write(path, optimizer.stateTensors(), meta);
    }

    /**
     * Restores state saved by {@link #saveOptimizer} into an optimiser of the same algorithm over the same
     * parameters (by name); the step count and learning rate are restored, the hyper-parameters stay the
     * optimiser's own. Returns the file's whole metadata (including the caller's extra entries).
     *
     * @param path      a file {@link #saveOptimizer} wrote
     * @param optimizer an optimiser of the same algorithm over the same parameters
     * @return the file's metadata
     * @throws IOException when the file cannot be read or written, or its content is refused (a {@link CheckpointException} naming the file and the tensor)
     */
    public static Map<String, String> loadOptimizer(Path path, Optimizer optimizer) throws IOException {
        SafeTensorsFile file = SafeTensors.read(path);
        Map<String, String> meta = file.metadata();
        String algorithm = meta.get(OPTIMIZER_KEY);
        if (algorithm == null) {
            throw new CheckpointException(path, "no '" + OPTIMIZER_KEY + "' metadata: not an optimiser checkpoint");
        }
        if (!algorithm.equals(optimizer.name())) {
            throw new CheckpointException(path, "holds " + algorithm + " state, the optimiser is " + optimizer.name());
        }
        long step;
        double lr;
        try {
            step = Long.parseLong(required(path, meta, STEP_KEY));
            lr = Double.parseDouble(required(path, meta, LR_KEY));
        } catch (NumberFormatException e) {
            throw new CheckpointException(path, "step count or learning rate is not a number: " + e.getMessage(), e);
        }
        Map<String, Tensor> state = file.tensors();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            checkValues(file, e.getKey(), e.getValue().toArray(), false);
        }
        try {
            optimizer.loadState(state, step, lr);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, e.getMessage(), e);
        }
        return meta;
    }

    private static String required(Path path, Map<String, String> meta, String key) throws CheckpointException {
        String v = meta.get(key);
        if (v == null) {
            throw new CheckpointException(path, "missing metadata '" + key + "'");
        }
        return v;
    }

    // ----- configuration as JSON --------------------------------------------------------------------------

    /**
     * {@return {@code {"builder":"unet","args":{"base":"16","depth":"5"}}}}
     *
     * @param config the configuration
     */
    public static String encodeConfig(ModelConfig config) {
        StringBuilder sb = new StringBuilder("{\"builder\":").append(Json.quote(config.builder())).append(",\"args\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : config.args().entrySet()) {
            sb.append(first ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
            first = false;
        }
        return sb.append("}}").toString();
    }

    /**
     * Parses {@link #encodeConfig}'s JSON. Argument values may also be JSON numbers or booleans (kept as
     * their text), so a hand-written configuration works too; unknown top-level fields are refused.
     *
     * @param json the JSON text
     * @return the configuration
     * @throws IllegalArgumentException when the JSON is malformed or not a configuration
     */
    public static ModelConfig decodeConfig(String json) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (Json.SyntaxException e) {
            throw new IllegalArgumentException("model config: malformed JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("builder") instanceof String builder)) {
            throw new IllegalArgumentException("model config: expected {\"builder\": NAME, \"args\": {...}}, got " + json);
        }
        for (Object key : top.keySet()) {
            if (!List.of("builder", "args").contains(key)) {
                throw new IllegalArgumentException("model config: unexpected field '" + key + "'");
            }
        }
        Map<String, String> args = new LinkedHashMap<>();
        Object a = top.get("args");
        if (a != null) {
            if (!(a instanceof Map<?, ?> argMap)) {
                throw new IllegalArgumentException("model config: 'args' must be an object");
            }
            for (Map.Entry<?, ?> e : argMap.entrySet()) {
                Object v = e.getValue();
                if (!(v instanceof String || v instanceof Json.Number || v instanceof Boolean)) {
                    throw new IllegalArgumentException("model config: argument '" + e.getKey()
                            + "' must be a string, number or boolean");
                }
                args.put((String) e.getKey(), v.toString());
            }
        }
        return new ModelConfig(builder, args);
    }
}
