package dev.nucleon.cuda;

import dev.nucleon.core.ConvGeometry;

import java.util.List;

/** Launches the kernels of {@code conv.cu}: conv2d forward and both backward passes as implicit GEMMs. */
final class ConvOps {

    /** Every kernel this class launches (KernelBinariesTest checks them against the binaries). */
    static final List<Kernel> KERNELS = List.of();

    private final CudaContext context;
    private final GemmOps gemm;

    ConvOps(CudaContext context, GemmOps gemm) {
        this.context = context;
        this.gemm = gemm;
    }

    void forward(ConvGeometry g, CudaStorage x, CudaStorage w, CudaStorage bias, CudaStorage y) {
        throw Unimplemented.op("conv2d");
    }

    void backwardData(ConvGeometry g, CudaStorage gy, CudaStorage w, CudaStorage gx) {
        throw Unimplemented.op("conv2d backward data");
    }

    void backwardWeight(ConvGeometry g, CudaStorage x, CudaStorage gy, CudaStorage gw) {
        throw Unimplemented.op("conv2d backward weight");
    }
}
