package dev.nucleon.nn.layers;

import dev.nucleon.core.backend.UnaryOp;

/** {@code x} for x > 0, {@code alpha·(eˣ − 1)} otherwise; any shape → the same shape. Default alpha 1. */
public final class ELU extends Activation {

    /** ELU with alpha 1. */
    public ELU() {
        this(1f);
    }

    /**
     * ELU with another alpha.
     *
     * @param alpha the value approached as x → −∞ is −alpha
     */
    public ELU(float alpha) {
        super(UnaryOp.ELU, alpha);
    }

    /** {@return alpha} */
    public float alpha() {
        return p1();
    }
}
