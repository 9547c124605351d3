package dev.nucleon.nn.layers;

import dev.nucleon.core.backend.UnaryOp;

/** {@code 1 / (1 + e^−x)}, elementwise; any shape → the same shape. */
public final class Sigmoid extends Activation {

    /** The logistic sigmoid. */
    public Sigmoid() {
        super(UnaryOp.SIGMOID);
    }
}
