package dev.nucleon.nn.layers;

import dev.nucleon.core.Epilogue;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.UnaryOp;
import dev.nucleon.nn.Module;

/** {@code x} for x > 0, {@code alpha·(eˣ − 1)} otherwise; any shape → the same shape. Default alpha 1. */
public final class ELU extends Module implements ElementwiseActivation {

    private final float alpha;

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
        this.alpha = alpha;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return x.elu(alpha);
    }

    @Override
    protected String extraRepr() {
        return "alpha=" + alpha;
    }

    /** {@return alpha} */
    public float alpha() {
        return alpha;
    }

    @Override
    public Epilogue epilogue() {
        return new Epilogue(UnaryOp.ELU, alpha);
    }
}
