package dev.nucleon.nn.init;

import dev.nucleon.core.Shape;

/**
 * Fan-in and fan-out of a weight, the two sizes the variance-scaling initialisers divide by.
 *
 * <p>For a weight of shape (d0, d1, k…) — a convolution kernel (C_out, C_in/groups, kH, kW), or a
 * transposed-convolution kernel (C_in, C_out/groups, kH, kW) — the receptive field is the product of the
 * trailing axes and {@code fanIn = d1 · receptive}, {@code fanOut = d0 · receptive}. This is PyTorch's
 * {@code _calculate_fan_in_and_fan_out}, and it agrees with Keras for both convolution kinds (Keras stores
 * a transposed kernel as (kH, kW, C_out, C_in) and takes its fan-in from C_out too).
 * A 1-D tensor (a bias) has {@code fanIn = fanOut = length}.
 */
public record Fans(int fanIn, int fanOut) {

    /**
     * @param fanIn  inputs feeding each output unit, ≥ 1
     * @param fanOut outputs each input unit feeds, ≥ 1
     * @throws IllegalArgumentException when either is below 1
     */
    public Fans {
        if (fanIn < 1 || fanOut < 1) {
            throw new IllegalArgumentException("fans: fan-in and fan-out must be >= 1, got (" + fanIn + ", " + fanOut + ")");
        }
    }

    /**
     * {@return the fans of a weight of this shape (see the class comment)}
     *
     * @param shape the weight's shape: rank 0 (a scalar: 1 and 1), 1 (a bias) or more (a kernel)
     */
    public static Fans of(int... shape) {
        if (shape.length == 0) {
            return new Fans(1, 1);
        }
        if (shape.length == 1) {
            return new Fans(Math.max(1, shape[0]), Math.max(1, shape[0]));
        }
        int receptive = Shape.product(shape, 2, shape.length);
        return new Fans(Math.max(1, shape[1] * receptive), Math.max(1, shape[0] * receptive));
    }
}
