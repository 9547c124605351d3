package dev.nucleon.nn.optim;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.Parameter;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Updates parameters from their gradients. Usage per training step:
 * {@code optimizer.zeroGrad(); loss.backward(); optimizer.step();}
 *
 * <p>Parameters are held by name (as {@link Module#namedParameters()} gives them), so the per-parameter state
 * (momentum buffers, moment estimates) can be saved as {@code <parameter>.<slot>} tensors and restored
 * ({@link #stateTensors()}, {@link #loadState}). State is created lazily on the parameter's device and
 * follows the parameter if the module moves. Frozen parameters and parameters without a gradient are
 * skipped. Updates run without autograd and overwrite parameters in place.
 *
 * <p>{@link #stepCount()} counts {@link #step()} calls; Adam's bias correction uses it (one global count, as
 * Keras's {@code iterations}).
 */
public abstract class Optimizer {

    private final Map<String, Parameter> params;
    private final Map<Parameter, Map<String, Tensor>> state = new IdentityHashMap<>();
    private double learningRate;
    private long steps;

    /**
     * An optimiser of the given parameters.
     *
     * @param params       the parameters by name (copied; the names key the saved state)
     * @param learningRate the initial learning rate, finite and ≥ 0
     * @throws IllegalArgumentException when there is no parameter or the learning rate is invalid
     */
    protected Optimizer(Map<String, Parameter> params, double learningRate) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException(name() + ": no parameters to optimise");
        }
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        setLearningRate(learningRate);
    }

    /**
     * An optimiser of every parameter of {@code module}.
     *
     * @param module       the model; its {@link Module#namedParameters()} are taken once, now
     * @param learningRate the initial learning rate, finite and ≥ 0
     */
    protected Optimizer(Module module, double learningRate) {
        this(module.namedParameters(), learningRate);
    }

    /** One update of every trainable parameter that has a gradient. */
    @SuppressWarnings("try") // the no-grad scope is used only for its effect
    public final void step() {
        steps++;
        try (var scope = Autograd.noGrad()) {
            for (Parameter p : params.values()) {
                Tensor g = p.grad();
                if (!p.trainable() || g == null) {
                    continue;
                }
                update(p, g.detach(), slots(p));
            }
        }
    }

    /**
     * The update rule for one parameter at step {@link #stepCount()} (≥ 1).
     *
     * @param p     the parameter; write the new value with {@link Parameter#assign}
     * @param grad  its gradient
     * @param slots its state tensors by slot name, empty at the first step; put new ones in it
     */
    protected abstract void update(Parameter p, Tensor grad, Map<String, Tensor> slots);

    /** Forgets every parameter's gradient. */
    public void zeroGrad() {
        params.values().forEach(Parameter::zeroGrad);
    }

    /** {@return the learning rate the next step uses} */
    public double learningRate() {
        return learningRate;
    }

    /**
     * Sets the learning rate used by the next steps (schedules call this).
     *
     * @param lr the new rate, finite and ≥ 0
     * @throws IllegalArgumentException when invalid
     */
    public void setLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(name() + ": learning rate must be finite and >= 0, got " + lr);
        }
        this.learningRate = lr;
    }

    /** {@return number of {@link #step()} calls so far (restored by {@link #loadState})} */
    public long stepCount() {
        return steps;
    }

    /** {@return the optimised parameters by name} */
    public Map<String, Parameter> parameters() {
        return params;
    }

    /** {@return the algorithm's name, recorded with saved state ({@code "Adam"})} */
    public String name() {
        return getClass().getSimpleName();
    }

    /** {@return the hyper-parameters, as text, for the record (saved in checkpoint metadata)} */
    public abstract Map<String, String> hyperparameters();

    /** {@return every state tensor as {@code <parameter name>.<slot>} (live tensors; copy to keep a snapshot)} */
    public Map<String, Tensor> stateTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            Map<String, Tensor> s = state.get(p);
            if (s != null) {
                s.forEach((slot, t) -> out.put(name + "." + slot, t));
            }
        });
        return out;
    }

    /**
     * Restores the state written by {@link #stateTensors()} together with the step count and learning rate.
     * Every key must name an optimised parameter and a slot ({@code encoder.0.weight.exp_avg}) and have the
     * parameter's shape. Existing state is replaced.
     *
     * @param tensors      the state by {@code <parameter name>.<slot>}
     * @param stepCount    the steps taken, ≥ 0
     * @param learningRate the learning rate to resume with
     * @throws IllegalArgumentException when a key names no parameter or slot, a shape differs, or the count is negative
     */
    public void loadState(Map<String, Tensor> tensors, long stepCount, double learningRate) {
        if (stepCount < 0) {
            throw new IllegalArgumentException(name() + ": step count must be >= 0, got " + stepCount);
        }
        Map<Parameter, Map<String, Tensor>> fresh = new IdentityHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String key = e.getKey();
            int dot = key.lastIndexOf('.');
            Parameter p = dot > 0 ? params.get(key.substring(0, dot)) : null;
            if (p == null) {
                throw new IllegalArgumentException(name() + ": state tensor '" + key
                        + "' does not name an optimised parameter and a slot (<parameter>.<slot>)");
            }
            if (!Arrays.equals(p.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException(name() + ": state tensor '" + key + "' has shape "
                        + Shape.str(e.getValue().shape()) + ", its parameter has " + Shape.str(p.shape()));
            }
            fresh.computeIfAbsent(p, k -> new LinkedHashMap<>())
                    .put(key.substring(dot + 1), e.getValue().detach().to(p.device()).copy());
        }
        setLearningRate(learningRate);
        state.clear();
        state.putAll(fresh);
        steps = stepCount;
    }

    private Map<String, Tensor> slots(Parameter p) {
        Map<String, Tensor> s = state.computeIfAbsent(p, k -> new LinkedHashMap<>());
        for (Map.Entry<String, Tensor> e : s.entrySet()) {
            if (!e.getValue().device().equals(p.device())) {
                e.setValue(e.getValue().to(p.device()));
            }
        }
        return s;
    }

    static double requireRange(String optimizer, String what, double v, double low, double high) {
        if (!(v >= low && v <= high)) {
            throw new IllegalArgumentException(optimizer + ": " + what + " must be in [" + low + ", " + high + "], got " + v);
        }
        return v;
    }

    /** A zero tensor shaped and placed like {@code p}. */
    static Tensor zerosLike(Parameter p) {
        return p.value().detach().zerosLike();
    }
}
