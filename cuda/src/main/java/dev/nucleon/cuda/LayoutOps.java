package dev.nucleon.cuda;

import java.util.List;

/** Launches the kernels of {@code layout.cu}: permute and the box copy behind slicing, padding and concatenation. */
final class LayoutOps {

    /** Every kernel this class launches (KernelBinariesTest checks them against the binaries). */
    static final List<Kernel> KERNELS = List.of();

    private final CudaContext context;

    LayoutOps(CudaContext context) {
        this.context = context;
    }

    void permute(CudaStorage x, int[] xShape, int[] perm, CudaStorage y) {
        throw Unimplemented.op("permute");
    }

    void copyRegion(CudaStorage src, int[] srcShape, int[] srcStart, CudaStorage dst, int[] dstShape, int[] dstStart,
                    int[] region, boolean accumulate) {
        throw Unimplemented.op("copyRegion");
    }
}
