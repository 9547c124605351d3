package dev.nucleon.segmentation.networks;

import dev.nucleon.core.backend.UnaryOp;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.layers.Identity;

import java.util.Locale;

/**
 * The activations the network configurations choose from, as the papers name them: ReLU, ELU (α = 1, paper 000's
 * "Optimized U-Net" and the encoder half of its carving), sigmoid (paper 001's Simple CNN) or none (a linear layer).
 * Each is a row of core's {@link UnaryOp} table with its parameter (the function, its gradient, its ONNX node and
 * whether a convolution can fuse it are stated there); this enum only names the configurations' choices.
 */
public enum Activation {
    /** max(0, x). */
    RELU(UnaryOp.RELU, 0f),
    /** x for x &gt; 0, e^x − 1 otherwise (α = 1). */
    ELU(UnaryOp.ELU, 1f),
    /** 1 / (1 + e^(−x)), in (0, 1). */
    SIGMOID(UnaryOp.SIGMOID, 0f),
    /** The identity: no activation. */
    NONE(null, 0f);

    private final UnaryOp op;
    private final float p1;

    Activation(UnaryOp op, float p1) {
        this.op = op;
        this.p1 = p1;
    }

    /** {@return the row of the {@link UnaryOp} table this activation is, or null for {@link #NONE}} */
    public UnaryOp op() {
        return op;
    }

    /** {@return its parameter (ELU's α; 0 for the others)} */
    public float p1() {
        return p1;
    }

    /** {@return a fresh layer computing this activation ({@link Identity} for {@link #NONE}), under its usual name} */
    public Module create() {
        return op == null ? new Identity() : dev.nucleon.nn.layers.Activation.of(op, p1);
    }

    /**
     * {@return the activation a name stands for}
     *
     * @param text {@code "relu"}, {@code "elu"}, {@code "sigmoid"} or {@code "none"}: case-insensitive, surrounding
     *             blanks ignored
     * @throws IllegalArgumentException when the text is none of them; the message names the choices
     */
    public static Activation parse(String text) {
        for (Activation a : values()) {
            if (a.name().equalsIgnoreCase(text.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("activation: '" + text + "' is not one of "
                + java.util.Arrays.stream(values()).map(Activation::toString).collect(java.util.stream.Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
