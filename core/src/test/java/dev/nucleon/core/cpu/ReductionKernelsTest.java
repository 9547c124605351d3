package dev.nucleon.core.cpu;

import dev.nucleon.core.backend.ReduceOp;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ReductionKernels#reduce} on tensors large enough to be split across threads, against the one-thread
 * definition: each kept cell sums its elements in double, in index order, so the result is the same bit for bit
 * whatever the thread count (a bias gradient: sum over N, H, W; and a sum over the leading axes, last axis kept).
 */
class ReductionKernelsTest {

    @Test
    void reductionsSplitAcrossThreadsMatchTheSerialOrderBitForBit() {
        Random random = new Random(3);
        int[] xShape = {4, 6, 48, 72};
        float[] x = new float[4 * 6 * 48 * 72];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() * 2 - 1;
        }
        int[][] outShapes = {{1, 6, 1, 1}, {1, 1, 1, 72}, {4, 1, 48, 1}, {1, 6, 48, 72}, {4, 6, 1, 72}};
        for (int[] outShape : outShapes) {
            for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX}) {
                int outSize = Arrays.stream(outShape).reduce(1, (a, b) -> a * b);
                float[] out = new float[outSize];
                ReductionKernels.reduce(op, x, xShape, out, outShape);
                float[] expected = serial(op, x, xShape, outShape, outSize);
                for (int i = 0; i < outSize; i++) {
                    assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(out[i]),
                            op + " to " + Arrays.toString(outShape) + " cell " + i + ": " + out[i] + " vs " + expected[i]);
                }
            }
        }
    }

    /** Row by row in index order, double accumulators, each row of a reduced last axis summed as Sums.sum does. */
    private static float[] serial(ReduceOp op, float[] x, int[] s, int[] o, int outSize) {
        double[] acc = new double[outSize];
        if (op == ReduceOp.MAX) {
            Arrays.fill(acc, Double.NEGATIVE_INFINITY);
        }
        int cols = s[3];
        for (int n = 0; n < s[0]; n++) {
            for (int c = 0; c < s[1]; c++) {
                for (int h = 0; h < s[2]; h++) {
                    int xi = ((n * s[1] + c) * s[2] + h) * cols;
                    int cell = ((o[0] == 1 ? 0 : n) * o[1] + (o[1] == 1 ? 0 : c)) * o[2] + (o[2] == 1 ? 0 : h);
                    if (o[3] == 1) {
                        acc[cell] = op == ReduceOp.SUM ? acc[cell] + Sums.sum(x, xi, xi + cols)
                                : Math.max(acc[cell], max(x, xi, xi + cols, acc[cell]));
                    } else {
                        for (int w = 0; w < cols; w++) {
                            int k = cell * cols + w;
                            acc[k] = op == ReduceOp.SUM ? acc[k] + x[xi + w] : Math.max(acc[k], x[xi + w]);
                        }
                    }
                }
            }
        }
        float[] out = new float[outSize];
        for (int i = 0; i < outSize; i++) {
            out[i] = (float) acc[i];
        }
        return out;
    }

    private static double max(float[] x, int from, int to, double start) {
        double m = start;
        for (int i = from; i < to; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }
}
