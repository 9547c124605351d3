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
                SGEMM.add(Kernel.of("gemm", "sgemm_" + tile.suffix() + "_" + trans, I32, I32, I32, PTR, I64, PTR, I64, PTR, I32, I32));
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

    /**
     * c[i] = op(a[i])·op(b[i]) for i < batch (Backend.matmul): grid y over row tiles and z over the batch, each
     * at most 65,535 per launch, so a tall product or a long batch is launched in slices ({@link #launches}).
     */
    void matmul(CudaStorage a, long aBatchStride, boolean transA, CudaStorage b, long bBatchStride, boolean transB,
                CudaStorage c, int batch, int m, int n, int k) {
        if (batch == 0 || m == 0 || n == 0) {
            return;
        }
        GemmTile tile = GemmTile.choose(m, n, batch, 1);
        Kernel kernel = sgemm(tile, transA, transB);
        for (Launch l : launches(tile, batch, m, GemmTile.MAX_GRID_YZ)) {
            kernel.launch(context, tile.grid(l.rows(), n, l.batches()), m, n, k, a, aBatchStride, b, bBatchStride, c,
                    l.firstBatch(), l.firstRow());
        }
    }

    /** One launch of a sliced product: matrices [firstBatch, + batches), rows [firstRow, + rows). */
    record Launch(int firstBatch, int batches, int firstRow, int rows) {
    }

    /**
     * The launches covering {@code batch} products of {@code m} rows when a grid holds at most {@code maxGridYZ}
     * row tiles (y) and matrices (z): row slices of {@code maxGridYZ · tile.rows} rows (each starts on a tile
     * boundary, as the kernel's {@code firstRow + blockIdx.y · BM} needs), batch slices of {@code maxGridYZ}.
     */
    static java.util.List<Launch> launches(GemmTile tile, int batch, int m, int maxGridYZ) {
        long rowsPerLaunch = (long) maxGridYZ * tile.rows;
        java.util.List<Launch> out = new ArrayList<>();
        for (int firstBatch = 0; firstBatch < batch; firstBatch += maxGridYZ) {
            int batches = Math.min(maxGridYZ, batch - firstBatch);
            for (long firstRow = 0; firstRow < m; firstRow += rowsPerLaunch) {
                out.add(new Launch(firstBatch, batches, (int) firstRow, (int) Math.min(rowsPerLaunch, m - firstRow)));
            }
        }
        return out;
    }
}
