package dev.nucleon.nn.layers;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;

/**
 * Softmax along one axis, {@code e^(xᵢ) / Σⱼ e^(xⱼ)}; shape kept. Default axis 1, the class axis of
 * (N, K, H, W) per-pixel scores.
 */
public final class Softmax extends Module {

    private final int dim;

    /** Softmax along axis 1. */
    public Softmax() {
        this(1);
    }

    /**
     * Softmax along another axis.
     *
     * @param dim the axis; negative counts from the end
     */
    public Softmax(int dim) {
        this.dim = dim;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return x.softmax(dim);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim;
    }

    /** {@return the axis} */
    public int dim() {
        return dim;
    }
}
