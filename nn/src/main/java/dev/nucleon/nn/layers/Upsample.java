package dev.nucleon.nn.layers;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.UpsampleMode;
import dev.nucleon.core.ops.Upsampling;
import dev.nucleon.nn.Module;

import java.util.Locale;

/**
 * Upsampling by an integer factor: x (N, C, H, W) → (N, C, H·factor, W·factor). Nearest (Keras's
 * {@code UpSampling2D} default) repeats each pixel; bilinear interpolates with half-pixel centres
 * (PyTorch {@code align_corners=False}). Default: nearest.
 */
public final class Upsample extends Module {

    private final int factor;
    private final UpsampleMode mode;

    /**
     * Nearest-neighbour up-sampling.
     *
     * @param factor the integer scale, ≥ 1
     * @throws IllegalArgumentException when a size is not positive
     */
    public Upsample(int factor) {
        this(factor, UpsampleMode.NEAREST);
    }

    /**
     * Up-sampling with a chosen interpolation.
     *
     * @param factor the integer scale, ≥ 1
     * @param mode   nearest or bilinear
     * @throws IllegalArgumentException when a size is not positive
     */
    public Upsample(int factor, UpsampleMode mode) {
        Conv2d.requirePositive("upsampling factor", factor);
        this.factor = factor;
        this.mode = mode;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return Upsampling.upsample(x, factor, mode);
    }

    @Override
    protected String extraRepr() {
        return "factor=" + factor + ", mode=" + mode.name().toLowerCase(Locale.ROOT);
    }

    /** {@return the integer scale} */
    public int factor() {
        return factor;
    }

    /** {@return the interpolation} */
    public UpsampleMode mode() {
        return mode;
    }
}
