package dev.nucleon.nn.layers;

import dev.nucleon.core.backend.UnaryOp;

/**
 * {@code x} for x ≥ 0, {@code negativeSlope·x} otherwise; any shape → the same shape. Default slope 0.01
 * (PyTorch's; Keras 3's layer uses 0.3 — pass it explicitly to match).
 */
public final class LeakyReLU extends Activation {

    /** Leaky ReLU with slope 0.01. */
    public LeakyReLU() {
        this(0.01f);
    }

    /**
     * Leaky ReLU with another slope.
     *
     * @param negativeSlope the factor applied to negative inputs
     */
    public LeakyReLU(float negativeSlope) {
        super(UnaryOp.LEAKY_RELU, negativeSlope);
    }

    /** {@return the factor applied to negative inputs} */
    public float negativeSlope() {
        return p1();
    }
}
