package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;

import java.util.Arrays;

/**
 * The smooth-L1 (Huber-like) box regression loss of Fast R-CNN, torch's {@code smooth_l1_loss} with
 * {@code reduction="sum"}: with n = |input − target|,
 * <pre>
 *   ℓ(n) = 0.5·n²/β       for n &lt; β
 *          n − 0.5·β      otherwise
 * </pre>
 * composed as ℓ(n) = 0.5·m²/β + (n − m), m = min(n, β), so it is differentiable through core's autograd (in the
 * input and the target). Mask R-CNN uses β = 1/9 in both the RPN and the box head and divides the sum by the
 * number of sampled examples.
 */
public final class SmoothL1Loss {

    /** torchvision's β for Mask R-CNN's box losses. */
    public static final float BETA = 1f / 9;

    private SmoothL1Loss() {
    }

    /**
     * {@return Σ ℓ(|input − target|) over every element, a scalar}
     *
     * @param input  predictions, any shape
     * @param target the input's shape
     * @param beta   the switch point β, &gt; 0
     * @throws IllegalArgumentException when the shapes differ or β is not positive
     */
    public static Tensor sum(Tensor input, Tensor target, float beta) {
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("smooth_l1: input " + Arrays.toString(input.shape()) + " and target "
                    + Arrays.toString(target.shape()) + " differ");
        }
        if (!(beta > 0)) {
            throw new IllegalArgumentException("smooth_l1: beta must be > 0, got " + beta);
        }
        Tensor n = input.sub(target).abs();
        Tensor m = n.clamp(0f, beta);
        return m.mul(m).mul(0.5f / beta).add(n.sub(m)).sum();
    }
}
