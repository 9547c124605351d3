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

    public RMSprop(Module module) {
        this(module.namedParameters(), 0.001);
    }

    public RMSprop(Module module, double lr) {
        this(module.namedParameters(), lr);
    }

    public RMSprop(Map<String, Parameter> params, double lr) {
        super(params, lr);
    }

    public RMSprop rho(double rho) {
        this.rho = requireRange("RMSprop", "rho", rho, 0, 1);
        return this;
    }

    public RMSprop eps(double eps) {
        this.eps = requireRange("RMSprop", "eps", eps, 0, 1);
        return this;
    }

    public RMSprop momentum(double momentum) {
        this.momentum = requireRange("RMSprop", "momentum", momentum, 0, 1);
        return this;
    }

    public RMSprop centered(boolean centered) {
        this.centered = centered;
        return this;
    }

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
