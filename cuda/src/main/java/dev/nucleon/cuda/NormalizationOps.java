package dev.nucleon.cuda;

import java.util.List;

/** Launches the kernels of {@code batchnorm.cu}: per-channel statistics, the normalising forward pass and its backward. */
final class NormalizationOps {

    /** Every kernel this class launches (KernelBinariesTest checks them against the binaries). */
    static final List<Kernel> KERNELS = List.of();

    private final CudaContext context;

    NormalizationOps(CudaContext context) {
        this.context = context;
    }

    void statistics(CudaStorage x, int n, int c, int spatial, CudaStorage mean, CudaStorage variance) {
        throw Unimplemented.op("batch norm statistics");
    }

    void forward(CudaStorage x, int n, int c, int spatial, CudaStorage mean, CudaStorage invStd, CudaStorage gamma,
                 CudaStorage beta, CudaStorage y) {
        throw Unimplemented.op("batch norm forward");
    }

    void backward(CudaStorage x, CudaStorage gy, int n, int c, int spatial, CudaStorage mean, CudaStorage invStd,
                  CudaStorage gamma, boolean batchStatistics, CudaStorage gx, CudaStorage gGamma, CudaStorage gBeta) {
        throw Unimplemented.op("batch norm backward");
    }
}
