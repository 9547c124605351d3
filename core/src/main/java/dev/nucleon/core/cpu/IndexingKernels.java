package dev.nucleon.core.cpu;

/**
 * Gather and scatter-add along the middle axis of (outer, n, inner) arrays: row copies, one per (outer, index).
 * Single-threaded (the detection heads gather a few thousand short rows).
 */
final class IndexingKernels {

    private IndexingKernels() {
    }

    /** y[o, j, i] = x[o, index[j], i]. */
    static void gather(float[] x, int outer, int n, int inner, float[] index, int k, float[] y) {
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < k; j++) {
                System.arraycopy(x, (o * n + (int) index[j]) * inner, y, (o * k + j) * inner, inner);
            }
        }
    }

    /** gx[o, index[j], i] += g[o, j, i]. */
    static void scatterAdd(float[] g, int outer, int k, int inner, float[] index, int n, float[] gx) {
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < k; j++) {
                int src = (o * k + j) * inner;
                int dst = (o * n + (int) index[j]) * inner;
                for (int i = 0; i < inner; i++) {
                    gx[dst + i] += g[src + i];
                }
            }
        }
    }
}
