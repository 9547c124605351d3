package dev.nucleon.segmentation.loss;

import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.loss.Loss;

import java.util.Arrays;

/**
 * Paper 001's per-pixel cross-entropy over K classes, on class scores in [0, 1] (its Simple CNN ends in K sigmoids),
 * as Keras' {@code categorical_crossentropy} computes it: the scores are first normalised to sum to 1 per pixel,
 * <pre>  q_c = p_c / Σ_k p_k,   L = −(1 / (N·H·W)) Σ_{n,h,w} Σ_c y_c · log clamp(q_c, ε, 1 − ε),   ε = 1e-7</pre>
 * with y one-hot (N, K, H, W). For softmax outputs the normalisation changes nothing.
 */
public final class CategoricalCrossEntropy implements Loss {
    private static final float EPS = 1e-7f;

    @Override
    public Tensor compute(Tensor scores, Tensor target) {
        int[] s = scores.shape();
        if (s.length != 4 || s[1] < 2 || !Arrays.equals(s, target.shape())) {
            throw new IllegalArgumentException("CategoricalCrossEntropy: expected scores and one-hot target (N, K >= 2, "
                    + "H, W) of one shape, got " + Shape.str(s) + " and " + Shape.str(target.shape()));
        }
        Tensor q = scores.div(scores.sum(new int[] {1}, true).clamp(EPS, Float.MAX_VALUE)).clamp(EPS, 1f - EPS);
        return target.mul(q.log()).sum().neg().div((float) s[0] * s[2] * s[3]);
    }

    @Override
    public String toString() {
        return "CategoricalCrossEntropy(per pixel, scores normalised to sum 1)";
    }
}
