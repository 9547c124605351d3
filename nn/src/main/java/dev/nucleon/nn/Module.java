package dev.nucleon.nn;

import dev.nucleon.core.Device;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.init.Initializers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A network or a piece of one: named {@link Parameter parameters}, {@link Buffer buffers} and child modules,
 * a training/inference mode, and a forward computation (PyTorch's {@code nn.Module}).
 *
 * <p><b>Writing a module.</b> Register everything in the constructor with {@link #registerParameter},
 * {@link #registerBuffer} and {@link #registerModule}; implement {@link #compute(Tensor)}; call children
 * through their {@link #forward(Tensor)}. Names are hierarchical, joined with dots in registration order:
 * a parameter {@code weight} of child {@code conv2} of child {@code 1} of child {@code encoder} is
 * {@code encoder.1.conv2.weight} — the names checkpoints use, identical to PyTorch's for the same tree.
 *
 * <p><b>forward and compute.</b> Everyone calls {@link #forward(Tensor)}, which runs {@link #compute(Tensor)}
 * through the {@link ForwardHooks hook} in force, if any (PyTorch's {@code __call__} vs {@code forward}).
 *
 * <p><b>Modes.</b> Modules start in training mode; {@link #eval()} switches the whole tree to inference
 * (batch norm uses its running statistics, dropout is the identity), {@link #train()} back.
 *
 * <p><b>What is not here.</b> Tools that watch forward calls from outside (graph export, the summary's dry pass,
 * the inference plan that releases activations once consumed) go through {@link ForwardHooks}; inference memory
 * handling is {@link InferencePlan}'s; reading a concatenation in place is {@link ConcatReader}'s, for the two
 * layers that can. A network's {@code compute} only computes.
 */
public abstract class Module {

    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Buffer> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    private ModelConfig config;
    /** The hook around this instance's forward calls ({@link ForwardHooks#attach}), or null. */
    ForwardHooks.ForwardHook attachedHook;

    // ----- forward ----------------------------------------------------------------------------------------

    /**
     * Runs the module on {@code x}. Subclasses implement {@link #compute(Tensor)} instead.
     *
     * @param x the input (for image layers (N, C, H, W))
     * @return the output
     */
    public final Tensor forward(Tensor x) {
        return ForwardHooks.forward(this, x);
    }

    /**
     * {@return the forward computation; call children through their {@link #forward(Tensor)}}
     *
     * @param x the input
     */
    protected abstract Tensor compute(Tensor x);

    /**
     * {@code forward(Shaping.concat(1, parts))}, the same value: a module whose first op is a convolution
     * ({@link ConcatReader}) reads the parts in place, so a U-Net decoder never builds concat(up-sampled, skip).
     * With a {@link ForwardHooks forward hook} installed the concatenation is built and passed to
     * {@link #forward}, so the hook sees the call it expects (unless it asks for the parts).
     *
     * @param parts tensors of the same (N, ·, H, W) shape but for their channel counts
     * @return the output
     */
    public final Tensor forwardConcat(Tensor... parts) {
        return ForwardHooks.forwardConcat(this, parts);
    }

    // ----- registration -----------------------------------------------------------------------------------

    /**
     * Registers a parameter under {@code name} (no dots; unique within this module) and returns it.
     *
     * @param name      the local name
     * @param parameter the parameter
     * @return {@code parameter}
     */
    protected final Parameter registerParameter(String name, Parameter parameter) {
        checkName(name);
        parameters.put(name, parameter);
        return parameter;
    }

    /**
     * Registers a buffer under {@code name} and returns it.
     *
     * @param name   the local name (no dots; unique within this module)
     * @param buffer the buffer
     * @return {@code buffer}
     */
    protected final Buffer registerBuffer(String name, Buffer buffer) {
        checkName(name);
        buffers.put(name, buffer);
        return buffer;
    }

    /**
     * Registers a child module under {@code name} and returns it.
     *
     * @param <M>    the child's type
     * @param name   the local name (no dots; unique within this module)
     * @param module the child
     * @return {@code module}
     */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        if (module == this) {
            throw new IllegalArgumentException(typeName() + ": a module cannot be its own child ('" + name + "')");
        }
        children.put(name, module);
        return module;
    }

    /**
     * Replaces the child registered under {@code name} (same name, same position); used by inference-time
     * rewrites such as folding batch norm into the preceding convolution. Returns the new child.
     *
     * @param <M>    the child's type
     * @param name   the name of a registered child
     * @param module the new child
     * @return {@code module}
     * @throws IllegalArgumentException when no child has that name
     */
    protected final <M extends Module> M replaceModule(String name, M module) {
        if (!children.containsKey(name)) {
            throw new IllegalArgumentException(typeName() + ": no child named '" + name + "' to replace");
        }
        if (module == this) {
            throw new IllegalArgumentException(typeName() + ": a module cannot be its own child ('" + name + "')");
        }
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(typeName() + ": name '" + name + "' must be non-empty and contain no '.'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(typeName() + ": name '" + name + "' is already registered");
        }
    }

    // ----- traversal --------------------------------------------------------------------------------------

    /** {@return this module's own parameters (not its children's), by local name} */
    public final Map<String, Parameter> localParameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** {@return this module's own buffers, by local name} */
    public final Map<String, Buffer> localBuffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** {@return the direct children, by local name} */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * {@return the child registered under {@code name}}
     *
     * @param name a local name
     */
    public final Module child(String name) {
        Module m = children.get(name);
        if (m == null) {
            throw new IllegalArgumentException(typeName() + ": no child '" + name + "' (children: " + children.keySet() + ")");
        }
        return m;
    }

    /**
     * Every module of the tree by full name, this one first under {@code ""}, then depth-first in
     * registration order. A module registered twice appears once, under its first name.
     *
     * @return the modules (a new map)
     */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collectModules("", this, out, seen);
        return out;
    }

    private static void collectModules(String prefix, Module m, Map<String, Module> out, Set<Module> seen) {
        if (!seen.add(m)) {
            return;
        }
        out.put(prefix, m);
        for (Map.Entry<String, Module> e : m.children.entrySet()) {
            collectModules(join(prefix, e.getKey()), e.getValue(), out, seen);
        }
    }

    /** {@return every parameter of the tree by full name (e.g. {@code encoder.1.conv2.weight}); shared ones once} */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        namedModules().forEach((prefix, m) -> m.parameters.forEach((name, p) -> {
            if (seen.add(p)) {
                out.put(join(prefix, name), p);
            }
        }));
        return out;
    }

    /** {@return every parameter of the tree, in {@link #namedParameters()} order} */
    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** {@return every buffer of the tree by full name (e.g. {@code encoder.1.bn.running_mean})} */
    public final Map<String, Buffer> namedBuffers() {
        Map<String, Buffer> out = new LinkedHashMap<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        namedModules().forEach((prefix, m) -> m.buffers.forEach((name, b) -> {
            if (seen.add(b)) {
                out.put(join(prefix, name), b);
            }
        }));
        return out;
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    // ----- state ------------------------------------------------------------------------------------------

    /**
     * Parameters and buffers by full name — per module its parameters, then its buffers, then its children's
     * (PyTorch's {@code state_dict} order). The tensors are the live values (detached): copy them to keep a
     * snapshot.
     *
     * @return the tensors by full name (a new map)
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        namedModules().forEach((prefix, m) -> {
            m.parameters.forEach((name, p) -> {
                if (seen.add(p)) {
                    out.put(join(prefix, name), p.value().detach());
                }
            });
            m.buffers.forEach((name, b) -> {
                if (seen.add(b)) {
                    out.put(join(prefix, name), b.value().detach());
                }
            });
        });
        return out;
    }

    /** {@return a deep copy of {@link #stateDict()}, e.g. to restore the best weights later} */
    public final Map<String, Tensor> stateDictCopy() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        stateDict().forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    /** What {@link #loadStateDict} found: expected names the source lacked, and names it had that are unknown. */
    public record LoadResult(List<String> missing, List<String> unexpected) {
    }

    /**
     * Copies values in place into the parameters and buffers of the same names (onto their devices).
     * Shapes must match exactly. With {@code strict}, a missing or an unexpected name is an error (the
     * message lists them); otherwise they are skipped and reported in the result. Nothing is changed when
     * an error is thrown.
     *
     * @param source the tensors by full name
     * @param strict whether a missing or unexpected name is an error
     * @return what was missing and unexpected
     * @throws IllegalArgumentException on a shape mismatch, or a missing or unexpected name when strict
     */
    public final LoadResult loadStateDict(Map<String, Tensor> source, boolean strict) {
        Map<String, Parameter> params = namedParameters();
        Map<String, Buffer> bufs = namedBuffers();
        List<String> missing = new ArrayList<>();
        for (String name : params.keySet()) {
            if (!source.containsKey(name)) {
                missing.add(name);
            }
        }
        for (String name : bufs.keySet()) {
            if (!source.containsKey(name)) {
                missing.add(name);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : source.keySet()) {
            if (!params.containsKey(name) && !bufs.containsKey(name)) {
                unexpected.add(name);
            }
        }
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            throw new IllegalArgumentException(typeName() + ": state does not match the network"
                    + (missing.isEmpty() ? "" : "; missing " + missing)
                    + (unexpected.isEmpty() ? "" : "; unexpected " + unexpected));
        }
        for (Map.Entry<String, Tensor> e : source.entrySet()) {
            int[] expected = params.containsKey(e.getKey()) ? params.get(e.getKey()).shape()
                    : bufs.containsKey(e.getKey()) ? bufs.get(e.getKey()).shape() : null;
            if (expected != null && !Arrays.equals(expected, e.getValue().shape())) {
                throw new IllegalArgumentException(typeName() + ": tensor '" + e.getKey() + "' has shape "
                        + Shape.str(e.getValue().shape()) + ", the network expects " + Shape.str(expected));
            }
        }
        source.forEach((name, t) -> {
            if (params.containsKey(name)) {
                params.get(name).assign(t);
            } else if (bufs.containsKey(name)) {
                bufs.get(name).assign(t);
            }
        });
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    /**
     * Draws every parameter again with a seed derived from {@code seed} and its full name, and resets every
     * buffer: the result depends only on the seed and the names, not on construction order.
     *
     * @param seed the base seed
     * @return this module
     */
    public final Module initialize(long seed) {
        namedParameters().forEach((name, p) -> p.reinitialize(Initializers.mix(seed, name)));
        namedBuffers().values().forEach(Buffer::reset);
        return this;
    }

    // ----- modes, devices, gradients ----------------------------------------------------------------------

    /**
     * Switches the whole tree to training mode (batch norm uses and updates batch statistics, dropout drops).
     *
     * @return this module
     */
    public final Module train() {
        return train(true);
    }

    /**
     * Switches the whole tree to inference mode (batch norm uses its running statistics, dropout is the identity).
     *
     * @return this module
     */
    public final Module eval() {
        return train(false);
    }

    /**
     * Switches the whole tree to training or inference mode.
     *
     * @param on true for training
     * @return this module
     */
    public final Module train(boolean on) {
        for (Module m : namedModules().values()) {
            m.training = on;
        }
        return this;
    }

    /** {@return whether this module is in training mode} */
    public final boolean isTraining() {
        return training;
    }

    /**
     * Moves every parameter and buffer to {@code device}; names, trainable flags and values are kept,
     * gradients are dropped. Returns this.
     *
     * @param device the target device
     * @return this module
     */
    public final Module to(Device device) {
        for (Module m : namedModules().values()) {
            m.parameters.values().forEach(p -> p.moveTo(device));
            m.buffers.values().forEach(b -> b.moveTo(device));
        }
        return this;
    }

    /** {@return the device of the first parameter or buffer (the CPU for a module without any)} */
    public final Device device() {
        for (Parameter p : namedParameters().values()) {
            return p.device();
        }
        for (Buffer b : namedBuffers().values()) {
            return b.value().device();
        }
        return Device.CPU;
    }

    /** Forgets every parameter's gradient. */
    public final void zeroGrad() {
        parameters().forEach(Parameter::zeroGrad);
    }

    // ----- counting and printing --------------------------------------------------------------------------

    /** {@return trainable and non-trainable (buffers, frozen parameters) element counts of the whole tree} */
    public final ParameterCount parameterCount() {
        long trainable = 0;
        long frozen = 0;
        for (Parameter p : namedParameters().values()) {
            if (p.trainable()) {
                trainable += p.numel();
            } else {
                frozen += p.numel();
            }
        }
        for (Buffer b : namedBuffers().values()) {
            frozen += b.numel();
        }
        return new ParameterCount(trainable, frozen);
    }

    /** Elements of this module's own parameters and buffers (not its children's). */
    final long localParameterElements() {
        long n = 0;
        for (Parameter p : parameters.values()) {
            n += p.numel();
        }
        for (Buffer b : buffers.values()) {
            n += b.numel();
        }
        return n;
    }

    /**
     * A Keras-style table: one row per layer (modules without children, and modules holding their own
     * parameters) with its output shape and parameter count, then {@code Total params}, {@code Trainable
     * params} and {@code Non-trainable params} with thousands separators. Output shapes come from one
     * forward pass on zeros of {@code inputShape} (N, C, H, W) in inference mode without gradients; the
     * mode is restored afterwards and no state changes. Layers are listed in call order; layers the pass
     * did not reach follow with shape "-". The batch axis prints as {@code None}.
     *
     * @param inputShape the input's (N, C, H, W)
     * @return the table, lines ending in {@code \n}
     */
    public final String summary(int... inputShape) {
        return Summary.of(this, inputShape);
    }

    /** {@return same table without output shapes (no forward pass)} */
    public final String summary() {
        return summary(new int[0]);
    }

    /** {@return the name shown in summaries and messages: the class's simple name unless overridden} */
    public String typeName() {
        return getClass().getSimpleName();
    }

    /** {@return the arguments shown after the type in {@link #toString()}, e.g. {@code "1, 4, kernel=3"}} */
    protected String extraRepr() {
        return "";
    }

    /** The tree, PyTorch style: {@code Type(args)} with children indented under their names. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(typeName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            sb.append('\n');
            for (Map.Entry<String, Module> e : children.entrySet()) {
                String child = e.getValue().toString().replace("\n", "\n  ");
                sb.append("  (").append(e.getKey()).append("): ").append(child).append('\n');
            }
        }
        return sb.append(')').toString();
    }

    // ----- configuration ----------------------------------------------------------------------------------

    /**
     * The configuration this network was built from by {@link ModelRegistry}, or null; a saved model records
     * it so that {@code Checkpoint.load(path)} can rebuild the network.
     *
     * @return the configuration, or null
     */
    public final ModelConfig config() {
        return config;
    }

    /**
     * Attaches the configuration that rebuilds this network through {@link ModelRegistry}. Returns this.
     *
     * @param config the configuration
     * @return this module
     */
    public final Module withConfig(ModelConfig config) {
        this.config = config;
        return this;
    }
}
