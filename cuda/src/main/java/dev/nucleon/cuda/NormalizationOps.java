package dev.nucleon.cuda;

import java.util.List;

import static dev.nucleon.cuda.Kernel.Param.I32;
import static dev.nucleon.cuda.Kernel.Param.PTR;

/**
 * Launches the kernels of {@code batchnorm.cu}: per-channel statistics, the normalising forward pass and
 * its backward. The per-channel kernels run one block of {@link #CHANNEL_THREADS} per channel; the
 * per-element ones walk (image, channel) planes ({@link #perPlane}).
 *
 * <p>Resources (ptxas -v, sm_90, nvcc 13.0): statistics 30 registers, backward sums 32, both 128 bytes
 * of shared memory (block_sum); forward 22 registers, backward input 27; no spills.
 */
final class NormalizationOps {

    /** Threads per block of the per-channel reductions: 16 warps, enough loads in flight per SM. */
    static final int CHANNEL_THREADS = 512;

    static final Kernel STATISTICS = Kernel.of("batchnorm", "batchnorm_statistics", PTR, I32, I32, I32, PTR, PTR);
    static final Kernel FORWARD = Kernel.of("batchnorm", "batchnorm_forward", PTR, I32, I32, I32, PTR, PTR, PTR, PTR, PTR);
    static final Kernel BACKWARD_SUMS = Kernel.of("batchnorm", "batchnorm_backward_sums",
            PTR, PTR, I32, I32, I32, PTR, PTR, PTR, PTR);
    static final Kernel BACKWARD_INPUT = Kernel.of("batchnorm", "batchnorm_backward_input",
            PTR, PTR, I32, I32, I32, PTR, PTR, PTR, PTR, PTR, I32, PTR);

    /** Every kernel this class launches (KernelBinariesTest checks them against the binaries). */
    static final List<Kernel> KERNELS = List.of(STATISTICS, FORWARD, BACKWARD_SUMS, BACKWARD_INPUT);

    private final CudaContext context;

    NormalizationOps(CudaContext context) {
        this.context = context;
    }

    /** One block per channel (grid-stride beyond 65,536 channels). */
    static Grid perChannel(int c) {
        return Grid.of(Math.min(c, 65_536), CHANNEL_THREADS);
    }

    /**
     * Grid y over the n·c planes (grid-stride beyond 65,535), x over a plane's {@code spatial} values with
     * blocks of up to 256 threads, trimmed to whole warps covering small planes.
     */
    static Grid perPlane(int n, int c, int spatial) {
        int threads = Math.min(Grid.LINEAR_BLOCK, (spatial + 31) / 32 * 32);
        int x = Math.min((spatial + threads - 1) / threads, 1024);
        int y = (int) Math.min((long) n * c, GemmTile.MAX_GRID_YZ);
        return new Grid(x, y, 1, threads, 1, 1, 0);
    }

    private static boolean empty(int n, int c, int spatial) {
        return n == 0 || c == 0 || spatial == 0;
    }

    void statistics(CudaStorage x, int n, int c, int spatial, CudaStorage mean, CudaStorage variance) {
        if (!empty(n, c, spatial)) {
            STATISTICS.launch(context, perChannel(c), x, n, c, spatial, mean, variance);
        }
    }

    void forward(CudaStorage x, int n, int c, int spatial, CudaStorage mean, CudaStorage invStd, CudaStorage gamma,
                 CudaStorage beta, CudaStorage y) {
        if (!empty(n, c, spatial)) {
            FORWARD.launch(context, perPlane(n, c, spatial), x, n, c, spatial, mean, invStd, gamma, beta, y);
        }
    }

    /**
     * The per-channel sums Σgy (= gBeta) and Σgy·x̂ (= gGamma) are computed when any of gGamma, gBeta or a
     * batch-statistics gx needs them, into gBeta / gGamma themselves or scratch memory where those are null.
     */
    void backward(CudaStorage x, CudaStorage gy, int n, int c, int spatial, CudaStorage mean, CudaStorage invStd,
                  CudaStorage gamma, boolean batchStatistics, CudaStorage gx, CudaStorage gGamma, CudaStorage gBeta) {
        if (empty(n, c, spatial)) {
            return;
        }
        boolean sums = gGamma != null || gBeta != null || (gx != null && batchStatistics);
        try (Scratch scratch = new Scratch(context, sums ? 2L * c : 0)) {
            Object sumGy = gBeta != null ? gBeta : scratch.at(0);
            Object sumGyXhat = gGamma != null ? gGamma : scratch.at(c);
            if (sums) {
                BACKWARD_SUMS.launch(context, perChannel(c), x, gy, n, c, spatial, mean, invStd, sumGy, sumGyXhat);
            }
            if (gx != null) {
                BACKWARD_INPUT.launch(context, perPlane(n, c, spatial), x, gy, n, c, spatial, mean, invStd, gamma,
                        sumGy, sumGyXhat, batchStatistics ? 1 : 0, gx);
            }
        }
    }
}
