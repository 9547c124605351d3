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

    /**
     * Optimises every parameter of {@code module} with the default learning rate 0.001 and weight decay 0.004.
     *
     * @param module the model; its {@link Module#namedParameters()} are taken once, now
     */
    public AdamW(Module module) {
        this(module.namedParameters(), 0.001);
    }

    /**
     * Optimises every parameter of {@code module}.
     *
     * @param module the model; its {@link Module#namedParameters()} are taken once, now
     * @param lr     the learning rate, finite and ≥ 0
     */
    public AdamW(Module module, double lr) {
        this(module.namedParameters(), lr);
    }

    /**
     * Optimises the given parameters; their names key the saved state.
     *
     * @param params the parameters by name (e.g. a subset of {@link Module#namedParameters()})
     * @param lr     the learning rate, finite and ≥ 0
     * @throws IllegalArgumentException when there is no parameter or the learning rate is invalid
     */
    public AdamW(Map<String, Parameter> params, double lr) {
        super(params, lr);
        weightDecay(0.004);
    }

    @Override
    protected boolean decoupledWeightDecay() {
        return true;
    }
}
