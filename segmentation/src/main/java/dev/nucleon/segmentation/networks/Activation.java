package dev.nucleon.segmentation.networks;

import dev.nucleon.nn.Module;
import dev.nucleon.nn.layers.ELU;
import dev.nucleon.nn.layers.Identity;
import dev.nucleon.nn.layers.ReLU;
import dev.nucleon.nn.layers.Sigmoid;

import java.util.Locale;

/**
 * The activation after a convolution, as the papers name them: ReLU, ELU (α = 1, paper 000's "Optimized
 * U-Net" and the encoder half of its carving), sigmoid (paper 001's Simple CNN) or none (a linear layer).
 */
public enum Activation {
    /** max(0, x). */
    RELU,
    /** x for x &gt; 0, e^x − 1 otherwise (α = 1). */
    ELU,
    /** 1 / (1 + e^(−x)), in (0, 1). */
    SIGMOID,
    /** The identity: no activation. */
    NONE;

    /** {@return a fresh layer computing this activation ({@link Identity} for {@link #NONE})} */
    public Module create() {
        return switch (this) {
            case RELU -> new ReLU();
            case ELU -> new ELU();
            case SIGMOID -> new Sigmoid();
            case NONE -> new Identity();
        };
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
        throw new IllegalArgumentException("activation: '" + text + "' is not one of relu, elu, sigmoid, none");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
