package dev.nucleon.cuda;

import java.util.List;

/** Launches the kernels of {@code gemm.cu}: batched SGEMM with optional transposes. */
final class GemmOps {

    /** Every kernel this class launches (KernelBinariesTest checks them against the binaries). */
    static final List<Kernel> KERNELS = List.of();

    private final CudaContext context;

    GemmOps(CudaContext context) {
        this.context = context;
    }

    void matmul(CudaStorage a, long aBatchStride, boolean transA, CudaStorage b, long bBatchStride, boolean transB,
                CudaStorage c, int batch, int m, int n, int k) {
        throw Unimplemented.op("matmul");
    }
}
