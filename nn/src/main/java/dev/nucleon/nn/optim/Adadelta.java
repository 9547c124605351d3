package dev.nucleon.nn.optim;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.Parameter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adadelta (Zeiler 2012, Algorithm 1, with a learning rate as Keras and PyTorch have). Per step:
 * <pre>
 *   E[g²] ← ρ·E[g²] + (1 − ρ)·g²
 *   Δ = √(E[Δ²] + ε) / √(E[g²] + ε) · g
 *   E[Δ²] ← ρ·E[Δ²] + (1 − ρ)·Δ²
 *   θ ← θ − lr·Δ
 * </pre>
 * Defaults: lr 1.0 (the paper's update, and original Keras's and PyTorch's default; TF2-era Keras uses
 * 0.001), ρ 0.95, ε 1e-7 (Keras). Paper 001 trains its ResNet with lr 0.1. Optional coupled L2 weight decay.
 * State slots: {@code square_avg} (E[g²]), {@code acc_delta} (E[Δ²]).
 */
public final class Adadelta extends Optimizer {

    private double rho = 0.95;
    private double eps = 1e-7;
    private double weightDecay;

    /**
     * Optimises every parameter of {@code module} with the default learning rate 1.0.
     *
     * @param module the model; its {@link Module#namedParameters()} are taken once, now
     */
    public Adadelta(Module module) {
        this(module.namedParameters(), 1.0);
    }

    /**
     * Optimises every parameter of {@code module}.
     *
     * @param module the model; its {@link Module#namedParameters()} are taken once, now
     * @param lr     the learning rate, finite and ≥ 0
     */
    public Adadelta(Module module, double lr) {
        this(module.namedParameters(), lr);
    }

    /**
     * Optimises the given parameters; their names key the saved state.
     *
     * @param params the parameters by name (e.g. a subset of {@link Module#namedParameters()})
     * @param lr     the learning rate, finite and ≥ 0
     * @throws IllegalArgumentException when there is no parameter or the learning rate is invalid
     */
    public Adadelta(Map<String, Parameter> params, double lr) {
        super(params, lr);
    }

    /**
     * Sets ρ, the decay of both running averages (default 0.95).
     *
     * @param rho in [0, 1]
     * @return this optimiser
     * @throws IllegalArgumentException when out of range
     */
    public Adadelta rho(double rho) {
        this.rho = requireRange("Adadelta", "rho", rho, 0, 1);
        return this;
    }

    /**
     * Sets ε (default 1e-7).
     *
     * @param eps in [0, 1]
     * @return this optimiser
     * @throws IllegalArgumentException when out of range
     */
    public Adadelta eps(double eps) {
        this.eps = requireRange("Adadelta", "eps", eps, 0, 1);
        return this;
    }

    /**
     * Sets the coupled L2 weight decay (default 0).
     *
     * @param weightDecay ≥ 0
     * @return this optimiser
     * @throws IllegalArgumentException when out of range
     */
    public Adadelta weightDecay(double weightDecay) {
        this.weightDecay = requireRange("Adadelta", "weight decay", weightDecay, 0, Double.MAX_VALUE);
        return this;
    }

    @Override
    protected void update(Parameter p, Tensor grad, Map<String, Tensor> slots) {
        Tensor theta = p.value().detach();
        Tensor g = weightDecay != 0 ? grad.add(theta.mul((float) weightDecay)) : grad;
        Tensor sq = slots.computeIfAbsent("square_avg", k -> zerosLike(p));
        Tensor acc = slots.computeIfAbsent("acc_delta", k -> zerosLike(p));
        sq.assign(sq.mul((float) rho).add(g.mul(g).mul((float) (1 - rho))));
        Tensor delta = acc.add((float) eps).sqrt().div(sq.add((float) eps).sqrt()).mul(g);
        acc.assign(acc.mul((float) rho).add(delta.mul(delta).mul((float) (1 - rho))));
        p.assign(theta.sub(delta.mul((float) learningRate())));
    }

    @Override
    public Map<String, String> hyperparameters() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("rho", Double.toString(rho));
        h.put("eps", Double.toString(eps));
        h.put("weight_decay", Double.toString(weightDecay));
        return h;
    }
}
