package dev.nucleon.opencl;

/** Launches the kernel of {@code gemm.cl}: batched matrix products. */
final class GemmOps {

    /** Outputs per work-item side: gemm.cl's WPT. */
    static final int WPT = 4;

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
        int block = tile * WPT; // outputs per work-group side (gemm.cl's BLOCK)
        long[] global = {roundUp(n, block) / WPT, roundUp(m, block) / WPT, batch};
        long[] local = {tile, tile, 1};
        context.launch("gemm", "gemm", global, local, a, aBatchStride, transA ? 1 : 0, b, bBatchStride, transB ? 1 : 0,
                c, m, n, k);
    }

    private static long roundUp(long v, int granule) {
        return (v + granule - 1) / granule * granule;
    }
}
