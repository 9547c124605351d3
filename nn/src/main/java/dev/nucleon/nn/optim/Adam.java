package dev.nucleon.nn.optim;

import dev.nucleon.core.backend.AdamStep;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.OptimizerSteps;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.Parameter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba 2015, Algorithm 1). Per step t (1, 2, …), with gradient g:
 * <pre>
 *   g ← g + weightDecay·θ          (optional L2 penalty, coupled; see {@link AdamW} for decoupled decay)
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)
 *   θ ← θ − lr·m̂ / (√v̂ + ε)
 * </pre>
 * Defaults are Keras's: lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7 (PyTorch's ε is 1e-8). Keras adds ε to √v
 * before the bias correction ("epsilon hat"); the difference is of order ε and vanishes as t grows.
 * State slots: {@code exp_avg} (m), {@code exp_avg_sq} (v), PyTorch's names.
 */
public class Adam extends Optimizer {

    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-7;
    private double weightDecay;

    /**
     * Optimises every parameter of {@code module} with the default learning rate 0.001.
     *
     * @param module the model; its {@link Module#namedParameters()} are taken once, now
     */
    public Adam(Module module) {
        this(module.namedParameters(), 0.001);
    }

    /**
     * Optimises every parameter of {@code module}.
     *
     * @param module the model; its {@link Module#namedParameters()} are taken once, now
     * @param lr     the learning rate, finite and ≥ 0
     */
    public Adam(Module module, double lr) {
        this(module.namedParameters(), lr);
    }

    /**
     * Optimises the given parameters; their names key the saved state.
     *
     * @param params the parameters by name (e.g. a subset of {@link Module#namedParameters()})
     * @param lr     the learning rate, finite and ≥ 0
     * @throws IllegalArgumentException when there is no parameter or the learning rate is invalid
     */
    public Adam(Map<String, Parameter> params, double lr) {
        super(params, lr);
    }

    /**
     * Sets the decay rates of the moment estimates (default 0.9, 0.999).
     *
     * @param beta1 decay of the first moment m, in [0, 1)
     * @param beta2 decay of the second moment v, in [0, 1)
     * @return this optimiser
     * @throws IllegalArgumentException when out of range
     */
    public Adam betas(double beta1, double beta2) {
        this.beta1 = requireRange(name(), "beta1", beta1, 0, 1 - 1e-12);
        this.beta2 = requireRange(name(), "beta2", beta2, 0, 1 - 1e-12);
        return this;
    }

    /**
     * Sets ε, added to √v̂ in the denominator (default 1e-7).
     *
     * @param eps in [0, 1]
     * @return this optimiser
     * @throws IllegalArgumentException when out of range
     */
    public Adam eps(double eps) {
        this.eps = requireRange(name(), "eps", eps, 0, 1);
        return this;
    }

    /**
     * Sets the weight decay: coupled L2 decay for {@link Adam}, decoupled decay for {@link AdamW}.
     *
     * @param weightDecay the decay factor, ≥ 0
     * @return this optimiser
     */
    public Adam weightDecay(double weightDecay) {
        this.weightDecay = requireRange(name(), "weight decay", weightDecay, 0, Double.MAX_VALUE);
        return this;
    }

    /** {@return true for {@link AdamW}: weight decay shrinks the parameter instead of adding to the gradient} */
    protected boolean decoupledWeightDecay() {
        return false;
    }

    @Override
    protected final void update(Parameter p, Tensor grad, Map<String, Tensor> slots) {
        Tensor m = slots.computeIfAbsent("exp_avg", k -> zerosLike(p));
        Tensor v = slots.computeIfAbsent("exp_avg_sq", k -> zerosLike(p));
        // one fused pass on the parameter's device, the same floats as the formula above written with tensor ops
        OptimizerSteps.adam(p.value(), grad, m, v, AdamStep.of(learningRate(), beta1, beta2, eps, weightDecay,
                decoupledWeightDecay(), stepCount()));
    }

    @Override
    public Map<String, String> hyperparameters() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("beta1", Double.toString(beta1));
        h.put("beta2", Double.toString(beta2));
        h.put("eps", Double.toString(eps));
        h.put("weight_decay", Double.toString(weightDecay));
        return h;
    }
}
