package dev.nucleon.nn.optim;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.Parameter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RMSprop (Hinton, lecture 6e), in Keras's and PyTorch's form. Per step:
 * <pre>
 *   g ← g + weightDecay·θ                 (optional, coupled)
 *   v ← ρ·v + (1 − ρ)·g²
 *   centered: a ← ρ·a + (1 − ρ)·g,  s = v − a²;   otherwise s = v
 *   u = g / (√s + ε)
 *   momentum: b ← μ·b + u,  θ ← θ − lr·b;         otherwise θ ← θ − lr·u
 * </pre>
 * Defaults are Keras's: lr 0.001, ρ 0.9, ε 1e-7, no momentum, not centered (PyTorch: lr 0.01, α 0.99,
 * ε 1e-8). State slots: {@code square_avg}, {@code grad_avg} (centered), {@code momentum_buffer}.
 */
public final class RMSprop extends Optimizer {

    private double rho = 0.9;
    private double eps = 1e-7;
    private double momentum;
    private boolean centered;
    private double weightDecay;

    /**
     * Optimises every parameter of {@code module} with the default learning rate 0.001.
     *
     * @param module the model; its {@link Module#namedParameters()} are taken once, now
     */
    public RMSprop(Module module) {
        this(module.namedParameters(), 0.001);
    }

    /**
     * Optimises every parameter of {@code module}.
     *
     * @param module the model; its {@link Module#namedParameters()} are taken once, now
     * @param lr     the learning rate, finite and ≥ 0
     */
    public RMSprop(Module module, double lr) {
        this(module.namedParameters(), lr);
    }

    /**
     * Optimises the given parameters; their names key the saved state.
     *
     * @param params the parameters by name (e.g. a subset of {@link Module#namedParameters()})
     * @param lr     the learning rate, finite and ≥ 0
     * @throws IllegalArgumentException when there is no parameter or the learning rate is invalid
     */
    public RMSprop(Map<String, Parameter> params, double lr) {
        super(params, lr);
    }

    /**
     * Sets ρ, the decay of the running averages (default 0.9).
     *
     * @param rho in [0, 1]
     * @return this optimiser
     * @throws IllegalArgumentException when out of range
     */
    public RMSprop rho(double rho) {
        this.rho = requireRange("RMSprop", "rho", rho, 0, 1);
        return this;
    }

    /**
     * Sets ε (default 1e-7).
     *
     * @param eps in [0, 1]
     * @return this optimiser
     * @throws IllegalArgumentException when out of range
     */
    public RMSprop eps(double eps) {
        this.eps = requireRange("RMSprop", "eps", eps, 0, 1);
        return this;
    }

    /**
     * Sets the momentum μ (default 0: none).
     *
     * @param momentum in [0, 1]
     * @return this optimiser
     * @throws IllegalArgumentException when out of range
     */
    public RMSprop momentum(double momentum) {
        this.momentum = requireRange("RMSprop", "momentum", momentum, 0, 1);
        return this;
    }

    /**
     * Turns the centered variant on or off (default off): the variance estimate subtracts the squared mean gradient.
     *
     * @param centered true for centered RMSprop
     * @return this optimiser
     */
    public RMSprop centered(boolean centered) {
        this.centered = centered;
        return this;
    }

    /**
     * Sets the coupled L2 weight decay (default 0).
     *
     * @param weightDecay ≥ 0
     * @return this optimiser
     * @throws IllegalArgumentException when out of range
     */
    public RMSprop weightDecay(double weightDecay) {
        this.weightDecay = requireRange("RMSprop", "weight decay", weightDecay, 0, Double.MAX_VALUE);
        return this;
    }

    @Override
    protected void update(Parameter p, Tensor grad, Map<String, Tensor> slots) {
        Tensor theta = p.value().detach();
        Tensor g = weightDecay != 0 ? grad.add(theta.mul((float) weightDecay)) : grad;
        Tensor v = slots.computeIfAbsent("square_avg", k -> zerosLike(p));
        v.assign(v.mul((float) rho).add(g.mul(g).mul((float) (1 - rho))));
        Tensor s = v;
        if (centered) {
            Tensor a = slots.computeIfAbsent("grad_avg", k -> zerosLike(p));
            a.assign(a.mul((float) rho).add(g.mul((float) (1 - rho))));
            s = v.sub(a.mul(a));
        }
        Tensor u = g.div(s.sqrt().add((float) eps));
        if (momentum != 0) {
            Tensor b = slots.computeIfAbsent("momentum_buffer", k -> zerosLike(p));
            b.assign(b.mul((float) momentum).add(u));
            u = b;
        }
        p.assign(theta.sub(u.mul((float) learningRate())));
    }

    @Override
    public Map<String, String> hyperparameters() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("rho", Double.toString(rho));
        h.put("eps", Double.toString(eps));
        h.put("momentum", Double.toString(momentum));
        h.put("centered", Boolean.toString(centered));
        h.put("weight_decay", Double.toString(weightDecay));
        return h;
    }
}
