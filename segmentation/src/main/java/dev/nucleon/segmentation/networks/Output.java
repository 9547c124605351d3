package dev.nucleon.segmentation.networks;

import dev.nucleon.nn.Module;
import dev.nucleon.nn.layers.Identity;
import dev.nucleon.nn.layers.Sigmoid;
import dev.nucleon.nn.layers.Softmax;

/**
 * What a network's last layer turns its scores into: per-channel probabilities ({@link #SIGMOID}: one
 * nucleus channel, or independent channels), a distribution over K classes per pixel ({@link #SOFTMAX}
 * along the channel axis), or raw scores ({@link #LOGITS}, for losses that take logits).
 */
public enum Output {
    /** Each channel on its own: 1 / (1 + e^(−x)), in (0, 1). */
    SIGMOID,
    /** Over the channel axis (axis 1) of every pixel: e^(x_k) / Σ_j e^(x_j); the K channels sum to 1. */
    SOFTMAX,
    /** The raw scores, unchanged (for losses that apply their own sigmoid or softmax). */
    LOGITS;

    /** {@return the final layer: {@link Sigmoid}, {@link Softmax} over axis 1, or {@link Identity}} */
    public Module create() {
        return switch (this) {
            case SIGMOID -> new Sigmoid();
            case SOFTMAX -> new Softmax(1);
            case LOGITS -> new Identity();
        };
    }

    /**
     * {@return the output a name stands for}
     *
     * @param text {@code "sigmoid"}, {@code "softmax"} or {@code "logits"}: case-insensitive, surrounding blanks
     *             ignored
     * @throws IllegalArgumentException when the text is none of them; the message names the choices
     */
    public static Output parse(String text) {
        for (Output o : values()) {
            if (o.name().equalsIgnoreCase(text.trim())) {
                return o;
            }
        }
        throw new IllegalArgumentException("output: '" + text + "' is not one of sigmoid, softmax, logits");
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
