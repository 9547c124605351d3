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
    RELU, ELU, SIGMOID, NONE;

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
     * {@return {@code "relu"}, {@code "elu"}, … (case-insensitive); names the choices when the text is none of them}
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
