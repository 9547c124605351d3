package dev.nucleon.nn.io;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.ModelConfig;
import dev.nucleon.nn.ModelRegistry;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.optim.Optimizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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

    private Checkpoint() {
    }

    // ----- models -----------------------------------------------------------------------------------------

    /** Saves the network's parameters, buffers and configuration (if any). */
    public static void save(Path path, Module model) throws IOException {
        save(path, model, Map.of());
    }

    /** As {@link #save(Path, Module)}, with extra metadata entries (string → string). */
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
     * loads its weights (strictly). The network is returned in inference mode.
     */
    public static Module load(Path path) throws IOException {
        SafeTensorsFile file = SafeTensors.read(path);
        String json = file.metadata().get(CONFIG_KEY);
        if (json == null) {
            throw new CheckpointException(path, "no '" + CONFIG_KEY + "' metadata: the file holds weights only; build the"
                    + " network and call Checkpoint.loadWeights(path, network)");
        }
        ModelConfig config;
        Module model;
        try {
            config = decodeConfig(json);
            model = ModelRegistry.build(config);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, e.getMessage(), e);
        }
        loadInto(file, model, true);
        model.eval();
        return model;
    }

    /** Reads only the network configuration recorded in a model file (null when there is none). */
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
     * in the file and every tensor of the file must belong to the model.
     */
    public static Module.LoadResult loadWeights(Path path, Module model, boolean strict) throws IOException {
        return loadInto(SafeTensors.read(path), model, strict);
    }

    private static Module.LoadResult loadInto(SafeTensorsFile file, Module model, boolean strict) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, int[]> expected = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> expected.put(k, v.shape()));
        for (String name : file.names()) {
            if (name.equals(NUM_BATCHES_TRACKED) || name.endsWith("." + NUM_BATCHES_TRACKED)) {
                continue;
            }
            int[] shape = expected.get(name);
            int[] found = file.entry(name).shape();
            if (shape != null && !java.util.Arrays.equals(shape, found)) {
                throw new CheckpointException(file.path(), "tensor '" + name + "' has shape " + java.util.Arrays.toString(found)
                        + ", the network expects " + java.util.Arrays.toString(shape));
            }
            // unknown names get a placeholder (never converted) so loadStateDict reports them
            tensors.put(name, shape != null ? file.tensor(name) : Tensor.zeros(0));
        }
        try {
            return model.loadStateDict(tensors, strict);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file.path(), e.getMessage(), e);
        }
    }

    // ----- optimisers -------------------------------------------------------------------------------------

    /** Saves the optimiser's state, step count, learning rate and hyper-parameters, plus {@code extraMetadata}. */
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
        try {
            optimizer.loadState(file.tensors(), step, lr);
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

    /** {@code {"builder":"unet","args":{"base":"16","depth":"5"}}}. */
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
