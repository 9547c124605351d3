package dev.nucleon.nn.layers;

import dev.nucleon.core.Epilogue;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.UnaryOp;
import dev.nucleon.nn.Module;

/**
 * {@code x} for x ≥ 0, {@code negativeSlope·x} otherwise; any shape → the same shape. Default slope 0.01
 * (PyTorch's; Keras 3's layer uses 0.3 — pass it explicitly to match).
 */
public final class LeakyReLU extends Module implements ElementwiseActivation {

    private final float negativeSlope;

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
        this.negativeSlope = negativeSlope;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return x.leakyRelu(negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + negativeSlope;
    }

    /** {@return the factor applied to negative inputs} */
    public float negativeSlope() {
        return negativeSlope;
    }

    @Override
    public Epilogue epilogue() {
        return new Epilogue(UnaryOp.LEAKY_RELU, negativeSlope);
    }
}
