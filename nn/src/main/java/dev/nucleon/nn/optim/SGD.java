package dev.nucleon.nn.optim;

import dev.nucleon.core.backend.SgdStep;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.OptimizerSteps;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.Parameter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, in PyTorch's
 * formulation (Sutskever et al. 2013). Per step, with gradient g:
 * <pre>
 *   g ← g + weightDecay·θ
 *   b ← g                               (first step)
 *   b ← momentum·b + (1 − dampening)·g  (later steps)
 *   d ← g + momentum·b  (Nesterov)   or   d ← b   (otherwise; d ← g without momentum)
 *   θ ← θ − lr·d
 * </pre>
 * With a constant learning rate this equals Keras's {@code SGD(momentum, nesterov)} (velocity
 * {@code v ← m·v − lr·g}). Defaults: lr 0.01 (Keras), no momentum. State slot: {@code momentum_buffer}.
 */
public final class SGD extends Optimizer {

    private double momentum;
    private double dampening;
    private double weightDecay;
    private boolean nesterov;

    /**
     * Optimises every parameter of {@code module} with the default learning rate 0.01.
     *
     * @param module the model; its {@link Module#namedParameters()} are taken once, now
     */
    public SGD(Module module) {
        this(module.namedParameters(), 0.01);
    }

    /**
     * Optimises every parameter of {@code module}.
     *
     * @param module the model; its {@link Module#namedParameters()} are taken once, now
     * @param lr     the learning rate, finite and ≥ 0
     */
    public SGD(Module module, double lr) {
        this(module.namedParameters(), lr);
    }

    /**
     * Optimises the given parameters; their names key the saved state.
     *
     * @param params the parameters by name (e.g. a subset of {@link Module#namedParameters()})
     * @param lr     the learning rate, finite and ≥ 0
     * @throws IllegalArgumentException when there is no parameter or the learning rate is invalid
     */
    public SGD(Map<String, Parameter> params, double lr) {
        super(params, lr);
    }

    /**
     * Sets the momentum μ (default 0: none).
     *
     * @param momentum in [0, 1]
     * @return this optimiser
     * @throws IllegalArgumentException when out of range
     */
    public SGD momentum(double momentum) {
        this.momentum = requireRange("SGD", "momentum", momentum, 0, 1);
        return this;
    }

    /**
     * Sets the dampening of the momentum buffer's gradient term (default 0).
     *
     * @param dampening in [0, 1]
     * @return this optimiser
     * @throws IllegalArgumentException when out of range
     */
    public SGD dampening(double dampening) {
        this.dampening = requireRange("SGD", "dampening", dampening, 0, 1);
        return this;
    }

    /**
     * Sets the coupled L2 weight decay, added to the gradient as weightDecay·θ (default 0).
     *
     * @param weightDecay ≥ 0
     * @return this optimiser
     * @throws IllegalArgumentException when out of range
     */
    public SGD weightDecay(double weightDecay) {
        this.weightDecay = requireRange("SGD", "weight decay", weightDecay, 0, Double.MAX_VALUE);
        return this;
    }

    /**
     * Turns Nesterov momentum on or off (it needs momentum &gt; 0 and no dampening, checked at the first step).
     *
     * @param nesterov true for Nesterov momentum
     * @return this optimiser
     */
    public SGD nesterov(boolean nesterov) {
        this.nesterov = nesterov;
        return this;
    }

    @Override
    protected void update(Parameter p, Tensor grad, Map<String, Tensor> slots) {
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalStateException("SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum="
                    + momentum + " dampening=" + dampening);
        }
        Tensor buffer = null;
        boolean first = false;
        if (momentum != 0) {
            buffer = slots.get("momentum_buffer");
            first = buffer == null;
            if (first) {
                buffer = zerosLike(p); // the step writes the gradient into it
                slots.put("momentum_buffer", buffer);
            }
        }
        // one fused pass on the parameter's device, the same floats as the formula above written with tensor ops
        OptimizerSteps.sgd(p.value(), grad, buffer, SgdStep.of(learningRate(), momentum, dampening, weightDecay, nesterov, first));
    }

    @Override
    public Map<String, String> hyperparameters() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("momentum", Double.toString(momentum));
        h.put("dampening", Double.toString(dampening));
        h.put("weight_decay", Double.toString(weightDecay));
        h.put("nesterov", Boolean.toString(nesterov));
        return h;
    }
}
