package dev.nucleon.cuda;

import java.util.ArrayList;
import java.util.List;

import static dev.nucleon.cuda.Kernel.Param.I32;
import static dev.nucleon.cuda.Kernel.Param.I64;
import static dev.nucleon.cuda.Kernel.Param.PTR;

/**
 * Launches the kernels of {@code gemm.cu}: batched SGEMM with optional transposes, one kernel per tile
 * size and transpose combination ({@code sgemm_<large|small>_<nn|nt|tn|tt>}).
 *
 * <p>Resources (ptxas -v, sm_90, nvcc 13.0): large tile 128 registers (the {@code __launch_bounds__}
 * cap for two blocks per SM; {@code _tn} spills 44 bytes), 16,896 bytes of shared memory per block;
 * small tile 79–91 registers, 4,608 bytes.
 */
final class GemmOps {

    private static final List<Kernel> SGEMM = new ArrayList<>();

    static {
        for (GemmTile tile : GemmTile.values()) {
            for (String trans : new String[] {"nn", "nt", "tn", "tt"}) {
                SGEMM.add(Kernel.of("gemm", "sgemm_" + tile.suffix() + "_" + trans, I32, I32, I32, PTR, I64, PTR, I64, PTR, I32));
            }
        }
    }

    /** Every kernel this class launches (KernelBinariesTest checks them against the binaries). */
    static final List<Kernel> KERNELS = List.copyOf(SGEMM);

    private final CudaContext context;

    GemmOps(CudaContext context) {
        this.context = context;
    }

    /** The kernel for a tile and transpose combination. */
    static Kernel sgemm(GemmTile tile, boolean transA, boolean transB) {
        return SGEMM.get(tile.ordinal() * 4 + (transA ? 2 : 0) + (transB ? 1 : 0));
    }

    /** c[i] = op(a[i])·op(b[i]) for i < batch (Backend.matmul): grid z over the batch, in slices of 65,535. */
    void matmul(CudaStorage a, long aBatchStride, boolean transA, CudaStorage b, long bBatchStride, boolean transB,
                CudaStorage c, int batch, int m, int n, int k) {
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        GemmTile tile = GemmTile.choose(m, n, batch, 1);
        Kernel kernel = sgemm(tile, transA, transB);
        for (int first = 0; first < batch; first += GemmTile.MAX_GRID_YZ) {
            int slice = Math.min(GemmTile.MAX_GRID_YZ, batch - first);
            kernel.launch(context, tile.grid(m, n, slice), m, n, k, a, aBatchStride, b, bBatchStride, c, first);
        }
    }
}
