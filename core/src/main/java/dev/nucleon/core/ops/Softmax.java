package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Op;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;

/**
 * softmax(x)ᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m) along one axis, with m the axis maximum for stability;
 * log-softmax(x)ᵢ = xᵢ − m − ln Σⱼ e^(xⱼ − m). For (N, K, H, W) class scores use dim 1.
 */
public final class Softmax {

    private Softmax() {
    }

    /**
     * {@return softmax of x along {@code dim}, of x's shape: values in [0, 1] summing to 1 along that axis}
     *
     * @param x   the scores, any shape
     * @param dim the axis, negative counting from the end (−1 is the last)
     * @throws IllegalArgumentException when dim is out of range for x's rank
     */
    public static Tensor softmax(Tensor x, int dim) {
        return apply("softmax", x, dim, false);
    }

    /**
     * {@return log-softmax of x along {@code dim}, of x's shape: values ≤ 0, computed without forming the softmax
     * (stable for large scores)}
     *
     * @param x   the scores, any shape
     * @param dim the axis, negative counting from the end (−1 is the last)
     * @throws IllegalArgumentException when dim is out of range for x's rank
     */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return apply("log_softmax", x, dim, true);
    }

    private static Tensor apply(String name, Tensor x, int dim, boolean log) {
        int[] s = x.shape();
        int a = Shape.axis(name, dim, s.length);
        int outer = Shape.product(s, 0, a);
        int inner = Shape.product(s, a + 1, s.length);
        Tensor y = Tensor.empty(x.backend(), s);
        x.backend().softmax(x.storage(), y.storage(), outer, s[a], inner, log);
        return Autograd.record(y, new Op.Softmax(a, log), x);
    }
}
