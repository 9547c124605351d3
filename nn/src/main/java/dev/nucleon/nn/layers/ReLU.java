package dev.nucleon.nn.layers;

import dev.nucleon.core.backend.UnaryOp;

/** {@code max(x, 0)}, elementwise; any shape → the same shape. */
public final class ReLU extends Activation {

    /** ReLU. */
    public ReLU() {
        super(UnaryOp.RELU);
    }
}
