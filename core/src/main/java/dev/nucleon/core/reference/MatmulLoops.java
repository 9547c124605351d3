package dev.nucleon.core.reference;

/**
 * The linear-algebra primitive: batched {@code c[i] = op(a[i]) · op(b[i])}, three nested loops per matrix and a
 * double accumulator.
 * <pre>
 *   c[i][r][col] = Σ_p  A(r, p) · B(p, col)        r &lt; m, col &lt; n, p &lt; k
 *   A(r, p) = a[i·aStride + r·k + p]   or, transposed (stored k×m),  a[i·aStride + p·m + r]
 *   B(p, col) = b[i·bStride + p·n + col]  or, transposed (stored n×k),  b[i·bStride + col·k + p]
 * </pre>
 */
public final class MatmulLoops {

    private MatmulLoops() {
    }

    /**
     * Computes every product of the batch, overwriting c.
     *
     * @param a            the left matrices
     * @param aBatchStride floats from a[i] to a[i+1] (0 shares one matrix)
     * @param transA       whether a[i] is stored k×m
     * @param b            the right matrices
     * @param bBatchStride floats from b[i] to b[i+1] (0 shares one matrix)
     * @param transB       whether b[i] is stored n×k
     * @param c            the products, batch·m·n floats, written
     * @param batch        the number of products
     * @param m            rows of each product
     * @param n            columns of each product
     * @param k            the inner size
     */
    public static void matmul(float[] a, long aBatchStride, boolean transA, float[] b, long bBatchStride, boolean transB,
                              float[] c, int batch, int m, int n, int k) {
        for (int i = 0; i < batch; i++) {
            int ao = (int) (i * aBatchStride);
            int bo = (int) (i * bBatchStride);
            int co = i * m * n;
            for (int r = 0; r < m; r++) {
                for (int col = 0; col < n; col++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        float av = transA ? a[ao + p * m + r] : a[ao + r * k + p];
                        float bv = transB ? b[bo + col * k + p] : b[bo + p * n + col];
                        sum += (double) av * bv;
                    }
                    c[co + r * n + col] = (float) sum;
                }
            }
        }
    }
}
