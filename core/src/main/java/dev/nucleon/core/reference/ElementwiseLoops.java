package dev.nucleon.core.reference;

import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.UnaryOp;

/**
 * The elementwise primitives: {@code y[i] = f(x[i])} and {@code out[i] = f(a[i'], b[i''])} with NumPy
 * broadcasting. Each function is evaluated in double and rounded to float once.
 */
public final class ElementwiseLoops {

    private ElementwiseLoops() {
    }

    /**
     * y[i] = op(x[i]; p1, p2), each evaluated in double and rounded to float.
     *
     * @param op the function
     * @param p1 its first scalar parameter (see {@link UnaryOp})
     * @param p2 its second scalar parameter
     * @param x  the input
     * @param y  the output, at least x's length, written
     */
    public static void unary(UnaryOp op, float p1, float p2, float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) unary(op, p1, p2, x[i]);
        }
    }

    /**
     * {@return op(x; p1, p2) in double: the row of the {@link UnaryOp} table}
     *
     * @param op the function
     * @param p1 its first scalar parameter
     * @param p2 its second scalar parameter
     * @param x  the argument
     */
    public static double unary(UnaryOp op, double p1, double p2, double x) {
        return op.reference(x, p1, p2);
    }

    /**
     * {@return op(a, b) in double: the formulas of {@link BinaryOp}, one per line}
     *
     * @param op the function
     * @param a  the first argument (the prediction, for the losses)
     * @param b  the second argument (the target, for the losses)
     */
    public static double binary(BinaryOp op, double a, double b) {
        double eps = BinaryOp.BCE_EPSILON;
        double oneMinusEps = 1f - BinaryOp.BCE_EPSILON; // the clamp's bounds are float32 values, as in Keras
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case BCE -> {
                double p = Math.min(Math.max(a, eps), oneMinusEps);
                yield -(b * Math.log(p) + (1 - b) * Math.log(1 - p));
            }
            case BCE_GRAD -> a < eps || a > oneMinusEps ? 0 : (a - b) / (a * (1 - a));
            case BCE_LOGITS -> Math.max(a, 0) - a * b + Math.log1p(Math.exp(-Math.abs(a)));
            case BCE_LOGITS_GRAD -> 1 / (1 + Math.exp(-a)) - b;
        };
    }

    /**
     * out[i] = op(a[i'], b[i'']) over out's index i = (i₀, …): an operand's index is i with 0 on the axes where
     * its size is 1 (broadcast). All three shapes have the same rank.
     *
     * @param op       the function
     * @param a        the first operand, of {@code aShape}
     * @param aShape   a's shape
     * @param b        the second operand, of {@code bShape}
     * @param bShape   b's shape
     * @param out      the result, of {@code outShape}, written
     * @param outShape the broadcast shape
     */
    public static void binary(BinaryOp op, float[] a, int[] aShape, float[] b, int[] bShape, float[] out, int[] outShape) {
        int rank = outShape.length;
        int[] index = new int[rank];
        for (int i = 0; i < out.length; i++) {
            int r = i; // unravel i into (i₀, …, i_{r−1}), last axis fastest
            for (int d = rank - 1; d >= 0; d--) {
                index[d] = r % outShape[d];
                r /= outShape[d];
            }
            out[i] = (float) binary(op, a[broadcastOffset(aShape, index)], b[broadcastOffset(bShape, index)]);
        }
    }

    /** The row-major offset in an operand of this shape of the output index (size-1 axes read element 0). */
    static int broadcastOffset(int[] shape, int[] index) {
        int offset = 0;
        for (int d = 0; d < shape.length; d++) {
            offset = offset * shape[d] + (shape[d] == 1 ? 0 : index[d]);
        }
        return offset;
    }
}
