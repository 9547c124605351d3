package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Op;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;

import java.util.Arrays;

/**
 * Selection by index along one axis: {@link #gather} (ONNX {@code Gather}, torch {@code index_select}), its adjoint
 * {@link #scatterAdd} (torch {@code index_add}), each the other's gradient, and {@link #topK}, the indices of the
 * largest values (not differentiable itself: the values are {@code gather(x, 0, topK(x, k))}, which is).
 *
 * <p>Indices are host {@code int[]}: in a detector they come from host-side decisions (top-k, non-maximum
 * suppression, the sampling of positives), and checking them here keeps the backends free of range checks.
 */
public final class Indexing {

    private Indexing() {
    }

    /**
     * {@return x's slices at {@code indices} along {@code axis}: x's shape with that axis of size indices.length,
     * y[…, j, …] = x[…, indices[j], …]}
     *
     * @param x       the input, rank ≥ 1
     * @param axis    the axis (negative counts from the end)
     * @param indices positions in [0, x.size(axis)); repeats allowed, may be empty
     * @throws IllegalArgumentException when an index is out of range
     */
    public static Tensor gather(Tensor x, int axis, int... indices) {
        int a = Shape.axis("gather", axis, x.rank());
        int[] s = x.shape();
        requireIndices("gather", indices, s[a]);
        int[] outShape = s.clone();
        outShape[a] = indices.length;
        Tensor y = Tensor.empty(x.backend(), outShape);
        Tensor index = indexTensor(x, indices);
        if (y.numel() > 0) {
            x.backend().gather(x.storage(), Shape.product(s, 0, a), s[a], Shape.product(s, a + 1, s.length),
                    index.storage(), indices.length, y.storage());
        }
        return Autograd.record(y, new Op.Gather(a, index), x);
    }

    /**
     * {@return a tensor of src's shape with axis {@code axis} of size {@code size}, zero but for
     * y[…, indices[j], …] += src[…, j, …] (repeated indices add up)}
     *
     * @param src     the values, rank ≥ 1, src.size(axis) == indices.length
     * @param axis    the axis (negative counts from the end)
     * @param indices positions in [0, size)
     * @param size    the output's size along the axis
     * @throws IllegalArgumentException when the counts disagree or an index is out of range
     */
    public static Tensor scatterAdd(Tensor src, int axis, int[] indices, int size) {
        int a = Shape.axis("scatter_add", axis, src.rank());
        int[] s = src.shape();
        if (s[a] != indices.length) {
            throw new IllegalArgumentException("scatter_add: src has " + s[a] + " slices along axis " + a + ", "
                    + indices.length + " indices given");
        }
        if (size < 0) {
            throw new IllegalArgumentException("scatter_add: size must be >= 0, got " + size);
        }
        requireIndices("scatter_add", indices, size);
        int[] outShape = s.clone();
        outShape[a] = size;
        Tensor y = Tensor.zeros(src.backend(), outShape);
        Tensor index = indexTensor(src, indices);
        if (src.numel() > 0) {
            src.backend().scatterAdd(src.storage(), Shape.product(s, 0, a), indices.length,
                    Shape.product(s, a + 1, s.length), index.storage(), size, y.storage());
        }
        return Autograd.record(y, new Op.ScatterAdd(a, index), src);
    }

    /**
     * {@return the indices of the k largest values of a 1-D x, largest first; equal values in index order (ONNX
     * {@code TopK}'s rule), NaN above every number (torch's)}. Reads x back to the host.
     *
     * @param x the values, 1-D
     * @param k how many, 0 ≤ k ≤ x.size(0)
     * @throws IllegalArgumentException when x is not 1-D or k is out of range
     */
    public static int[] topK(Tensor x, int k) {
        if (x.rank() != 1) {
            throw new IllegalArgumentException("top_k: input must be 1-D, got " + Shape.str(x.shape()));
        }
        return topK(x.toArray(), k);
    }

    /**
     * {@link #topK(Tensor, int)} on a host array.
     *
     * @param values the values
     * @param k      how many, 0 ≤ k ≤ values.length
     * @return the indices, largest value first
     */
    public static int[] topK(float[] values, int k) {
        if (k < 0 || k > values.length) {
            throw new IllegalArgumentException("top_k: k must be in [0, " + values.length + "], got " + k);
        }
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Float.compare orders NaN above +∞; the sort is stable, so ties keep index order
        Arrays.sort(order, (p, q) -> Float.compare(values[q], values[p]));
        int[] top = new int[k];
        for (int i = 0; i < k; i++) {
            top[i] = order[i];
        }
        return top;
    }

    private static void requireIndices(String op, int[] indices, int size) {
        if (size > 1 << 24) { // indices travel to the backend as floats, exact up to 2²⁴
            throw new IllegalArgumentException(op + ": axis of size " + size + " is over 2^24, the largest indexable");
        }
        for (int j = 0; j < indices.length; j++) {
            if (indices[j] < 0 || indices[j] >= size) {
                throw new IllegalArgumentException(op + ": index " + indices[j] + " at position " + j
                        + " is outside [0, " + size + ")");
            }
        }
    }

    private static Tensor indexTensor(Tensor like, int[] indices) {
        float[] f = new float[indices.length];
        for (int j = 0; j < f.length; j++) {
            f[j] = indices[j];
        }
        return Tensor.of(f, indices.length).to(like.device());
    }
}
