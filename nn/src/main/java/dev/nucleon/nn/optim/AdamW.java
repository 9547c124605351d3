package dev.nucleon.nn.optim;

import dev.nucleon.nn.Module;
import dev.nucleon.nn.Parameter;

import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019): before the {@link Adam} step the parameter
 * shrinks by {@code θ ← θ − lr·weightDecay·θ}, and the gradient is left untouched (as PyTorch's and Keras's
 * {@code AdamW}). Default weight decay 0.004 (Keras's; PyTorch's is 0.01), other defaults as {@link Adam}.
 */
public final class AdamW extends Adam {

    public AdamW(Module module) {
        this(module.namedParameters(), 0.001);
    }

    public AdamW(Module module, double lr) {
        this(module.namedParameters(), lr);
    }

    public AdamW(Map<String, Parameter> params, double lr) {
        super(params, lr);
        weightDecay(0.004);
    }

    @Override
    protected boolean decoupledWeightDecay() {
        return true;
    }
}
