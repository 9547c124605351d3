package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Op;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.UpsampleMode;

/**
 * Upsampling of (N, C, H, W) by an integer factor to (N, C, H·f, W·f): nearest copies each pixel into an
 * f×f block; bilinear interpolates with half-pixel centres ({@link UpsampleMode#BILINEAR}).
 */
public final class Upsampling {

    private Upsampling() {
    }

    /**
     * {@return x (N, C, H, W) up-sampled to (N, C, H·factor, W·factor)}
     *
     * @param x      the input, rank 4
     * @param factor the integer scale, ≥ 1 (1 copies)
     * @param mode   nearest or bilinear
     * @throws IllegalArgumentException when x is not rank 4 or the factor is below 1
     */
    public static Tensor upsample(Tensor x, int factor, UpsampleMode mode) {
        Convolution.requireRank4("upsample", "input", x);
        if (factor < 1) {
            throw new IllegalArgumentException("upsample: factor must be >= 1, got " + factor);
        }
        int[] s = x.shape();
        Tensor y = Tensor.empty(x.backend(), s[0], s[1], s[2] * factor, s[3] * factor);
        x.backend().upsample(mode, s[0], s[1], s[2], s[3], factor, x.storage(), y.storage());
        return Autograd.record(y, new Op.Upsample(mode, factor), x);
    }
}
