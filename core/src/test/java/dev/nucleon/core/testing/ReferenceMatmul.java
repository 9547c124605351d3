package dev.nucleon.core.testing;

/**
 * Double-precision matrix product of (…, m, k) and (…, k, n) with NumPy broadcasting of the batch axes,
 * and the transpose of the last two axes (for {@code LinearAlgebra.product}'s transposed operands).
 */
public final class ReferenceMatmul {

    private ReferenceMatmul() {
    }

    private static int[] batch(int[] shape) {
        return java.util.Arrays.copyOf(shape, shape.length - 2);
    }

    public static int[] shape(int[] aShape, int[] bShape) {
        int[] batch = ReferenceElementwise.broadcastShape(batch(aShape), batch(bShape));
        int[] out = java.util.Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = aShape[aShape.length - 2];
        out[batch.length + 1] = bShape[bShape.length - 1];
        return out;
    }

    public static double[] matmul(double[] a, int[] aShape, double[] b, int[] bShape) {
        int m = aShape[aShape.length - 2];
        int k = aShape[aShape.length - 1];
        int n = bShape[bShape.length - 1];
        int[] outShape = shape(aShape, bShape);
        int[] batchShape = batch(outShape);
        int[] aBatch = batch(aShape);
        int[] bBatch = batch(bShape);
        double[] c = new double[NdIndex.numel(outShape)];
        for (int bi = 0; bi < NdIndex.numel(batchShape); bi++) {
            int[] idx = NdIndex.unravel(bi, batchShape);
            int aOff = batchOffset(aBatch, idx) * m * k;
            int bOff = batchOffset(bBatch, idx) * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += a[aOff + i * k + p] * b[bOff + p * n + j];
                    }
                    c[(bi * m + i) * n + j] = s;
                }
            }
        }
        return c;
    }

    private static int batchOffset(int[] batch, int[] outIdx) {
        int offset = 0;
        int skip = outIdx.length - batch.length;
        for (int d = 0; d < batch.length; d++) {
            offset = offset * batch[d] + (batch[d] == 1 ? 0 : outIdx[d + skip]);
        }
        return offset;
    }

    /** x with its last two axes swapped; {@code shape} is x's. */
    public static double[] transposeLast(double[] x, int[] shape) {
        int r = shape[shape.length - 2];
        int c = shape[shape.length - 1];
        int count = x.length / (r * c);
        double[] y = new double[x.length];
        for (int b = 0; b < count; b++) {
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) {
                    y[b * r * c + j * r + i] = x[b * r * c + i * c + j];
                }
            }
        }
        return y;
    }

    /** {@code shape} with its last two sizes swapped. */
    public static int[] transposedShape(int[] shape) {
        int[] s = shape.clone();
        s[s.length - 2] = shape[shape.length - 1];
        s[s.length - 1] = shape[shape.length - 2];
        return s;
    }
}
