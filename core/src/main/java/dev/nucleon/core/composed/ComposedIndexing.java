package dev.nucleon.core.composed;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Storage;

/**
 * Gather and scatter-add along one axis of a tensor viewed as (outer, n, inner): one {@link Backend#copyStrided}
 * per index, of the (outer, inner) slab that index selects. The indices are read back to the host (k floats).
 */
public final class ComposedIndexing {

    private ComposedIndexing() {
    }

    /**
     * y[o, j, i] = x[o, index[j], i].
     *
     * @param b       the backend that owns the storages
     * @param x       (outer, n, inner)
     * @param outer   the product of the sizes before the axis
     * @param n       the axis' size in x
     * @param inner   the product of the sizes after the axis
     * @param indices k floats, whole numbers in [0, n)
     * @param k       the number of indices
     * @param y       (outer, k, inner), written
     */
    public static void gather(Backend b, Storage x, int outer, int n, int inner, Storage indices, int k, Storage y) {
        float[] index = new float[k];
        b.download(indices, 0, index, 0, k);
        long[] srcStrides = {(long) n * inner, 1};
        long[] dstStrides = {(long) k * inner, 1};
        int[] extent = {outer, inner};
        for (int j = 0; j < k; j++) {
            b.copyStrided(x, (long) index[j] * inner, srcStrides, y, (long) j * inner, dstStrides, extent, false);
        }
    }

    /**
     * gx[o, index[j], i] += g[o, j, i] for every j (repeated indices add up); gx is accumulated into.
     *
     * @param b       the backend that owns the storages
     * @param g       (outer, k, inner)
     * @param outer   the product of the sizes before the axis
     * @param k       the number of indices
     * @param inner   the product of the sizes after the axis
     * @param indices k floats, whole numbers in [0, n)
     * @param n       the axis' size in gx
     * @param gx      (outer, n, inner), accumulated into
     */
    public static void scatterAdd(Backend b, Storage g, int outer, int k, int inner, Storage indices, int n,
                                  Storage gx) {
        float[] index = new float[k];
        b.download(indices, 0, index, 0, k);
        long[] srcStrides = {(long) k * inner, 1};
        long[] dstStrides = {(long) n * inner, 1};
        int[] extent = {outer, inner};
        for (int j = 0; j < k; j++) {
            b.copyStrided(g, (long) j * inner, srcStrides, gx, (long) index[j] * inner, dstStrides, extent, true);
        }
    }
}
