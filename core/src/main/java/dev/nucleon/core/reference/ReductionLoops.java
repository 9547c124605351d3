package dev.nucleon.core.reference;

import dev.nucleon.core.backend.ReduceOp;

import java.util.Arrays;

/**
 * The reduction primitive: {@code out[j] = Σ (or max) of x[i]} over every input index i that lands on output
 * index j, i.e. i with the reduced axes (those where {@code outShape[d] == 1}) set to 0. Sums accumulate in double.
 */
public final class ReductionLoops {

    private ReductionLoops() {
    }

    /**
     * Reduces x onto out, overwriting out.
     *
     * @param op       sum or max
     * @param x        the input, of {@code xShape}
     * @param xShape   x's shape
     * @param out      the result, of {@code outShape}, written
     * @param outShape x's shape with the reduced axes set to 1
     */
    public static void reduce(ReduceOp op, float[] x, int[] xShape, float[] out, int[] outShape) {
        double[] acc = new double[out.length];
        Arrays.fill(acc, op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : 0);
        int rank = xShape.length;
        int[] index = new int[rank];
        for (int i = 0; i < x.length; i++) {
            int r = i;
            for (int d = rank - 1; d >= 0; d--) {
                index[d] = r % xShape[d];
                r /= xShape[d];
            }
            int j = ElementwiseLoops.broadcastOffset(outShape, index); // the output element x[i] belongs to
            acc[j] = op == ReduceOp.MAX ? Math.max(acc[j], x[i]) : acc[j] + x[i];
        }
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) acc[j];
        }
    }
}
