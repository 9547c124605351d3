package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Op;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;

import java.util.Arrays;

/**
 * Matrix products. {@code matmul(a, b)}: a (…, m, k) · b (…, k, n) → (…, m, n). The batch axes (…) of the
 * two operands must be equal (up to leading size-1 axes), or one operand has none / only size-1 batch axes
 * and is shared by the whole batch; the result's batch axes are their NumPy broadcast, e.g.
 * (1, 1, m, k) · (B, k, n) → (1, B, m, n).
 */
public final class LinearAlgebra {

    private LinearAlgebra() {
    }

    /**
     * {@return a · b, (…, m, n), batched as the class comment says; differentiable in a and b}
     *
     * @param a (…, m, k)
     * @param b (…, k, n)
     * @throws IllegalArgumentException when an operand has fewer than 2 axes, the inner sizes differ, the batch axes
     *                                  are neither equal nor one side a single matrix, or the operands are on
     *                                  different devices
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        return product(a, false, b, false);
    }

    /**
     * {@return op(a) · op(b), (…, m, n), with optional transposes of the last two axes (no copy is made: the
     * backend reads the operand transposed)}
     *
     * @param a      (…, m, k), or (…, k, m) when {@code transA}
     * @param transA whether to use aᵀ (its last two axes swapped)
     * @param b      (…, k, n), or (…, n, k) when {@code transB}
     * @param transB whether to use bᵀ
     * @throws IllegalArgumentException when an operand has fewer than 2 axes, the inner sizes differ, the batch axes
     *                                  are neither equal nor one side a single matrix, or the operands are on
     *                                  different devices
     */
    public static Tensor product(Tensor a, boolean transA, Tensor b, boolean transB) {
        Arithmetic.requireSameDevice("matmul", a, b);
        int[] as = a.shape();
        int[] bs = b.shape();
        if (as.length < 2 || bs.length < 2) {
            throw new IllegalArgumentException("matmul: operands need at least 2 axes, got " + Shape.str(as) + " and "
                    + Shape.str(bs));
        }
        int m = transA ? as[as.length - 1] : as[as.length - 2];
        int ka = transA ? as[as.length - 2] : as[as.length - 1];
        int kb = transB ? bs[bs.length - 1] : bs[bs.length - 2];
        int n = transB ? bs[bs.length - 2] : bs[bs.length - 1];
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: inner sizes differ: " + Shape.str(as) + (transA ? "ᵀ" : "")
                    + " · " + Shape.str(bs) + (transB ? "ᵀ" : "") + " (" + ka + " vs " + kb + ")");
        }
        int[] aBatch = Arrays.copyOf(as, as.length - 2);
        int[] bBatch = Arrays.copyOf(bs, bs.length - 2);
        long aCount = Shape.numel(aBatch);
        long bCount = Shape.numel(bBatch);
        // The same matrices on both sides (batch axes equal up to leading 1s), or one side shared. Either way
        // the result's batch axes are the NumPy broadcast of the two, so leading 1s are kept as NumPy keeps
        // them and the gradient sums back to each operand's own shape.
        boolean sameBatch = Arrays.equals(withoutLeadingOnes(aBatch), withoutLeadingOnes(bBatch));
        if (!sameBatch && aCount != 1 && bCount != 1) {
            throw new IllegalArgumentException("matmul: batch axes " + Shape.str(aBatch) + " and " + Shape.str(bBatch)
                    + " must be equal, or one operand must have a single matrix");
        }
        int[] batchShape = Shape.broadcast("matmul", aBatch, bBatch);
        int batch = Math.toIntExact(Shape.numel(batchShape));
        int[] outShape = Arrays.copyOf(batchShape, batchShape.length + 2);
        outShape[batchShape.length] = m;
        outShape[batchShape.length + 1] = n;
        Tensor c = Tensor.empty(a.backend(), outShape);
        a.backend().matmul(a.storage(), aCount == 1 ? 0 : (long) m * ka, transA,
                b.storage(), bCount == 1 ? 0 : (long) ka * n, transB, c.storage(), batch, m, n, ka);
        return Autograd.record(c, new Op.MatMul(transA, transB), a, b);
    }

    private static int[] withoutLeadingOnes(int[] shape) {
        int i = 0;
        while (i < shape.length && shape[i] == 1) {
            i++;
        }
        return Arrays.copyOfRange(shape, i, shape.length);
    }
}
