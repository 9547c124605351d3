package dev.nucleon.opencl;

/** Launches the kernel of {@code gemm.cl}: batched matrix products. */
final class GemmOps {

    /** Output rows per work-item: gemm.cl's default WPT_M (conv.cl's "conv_narrow" build has 1). */
    static final int WPT_M = 4;
    /** Output columns per work-item: gemm.cl's WPT_N. */
    static final int WPT_N = 4;

    private final OpenClContext context;

    GemmOps(OpenClContext context) {
        this.context = context;
    }

    void matmul(OpenClStorage a, long aBatchStride, boolean transA, OpenClStorage b, long bBatchStride, boolean transB,
                OpenClStorage c, int batch, int m, int n, int k) {
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        int tile = context.gemmTile();
        // a work-group of tile × tile work-items computes a (tile·WPT_M) × (tile·WPT_N) block of c
        long[] global = {roundUp(n, tile * WPT_N) / WPT_N, roundUp(m, tile * WPT_M) / WPT_M, batch};
        long[] local = {tile, tile, 1};
        context.launch("gemm", "gemm", global, local, a, aBatchStride, transA ? 1 : 0, b, bBatchStride, transB ? 1 : 0,
                c, m, n, k);
    }

    private static long roundUp(long v, int granule) {
        return (v + granule - 1) / granule * granule;
    }
}
