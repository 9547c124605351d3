package dev.nucleon.cuda;

import dev.nucleon.core.PoolGeometry;
import dev.nucleon.core.UpsampleMode;

import java.util.List;

/** Launches the kernels of {@code pool.cu}: max and average pooling, nearest and bilinear upsampling, and their gradients. */
final class PoolingOps {

    /** Every kernel this class launches (KernelBinariesTest checks them against the binaries). */
    static final List<Kernel> KERNELS = List.of();

    private final CudaContext context;

    PoolingOps(CudaContext context) {
        this.context = context;
    }

    void maxPool(PoolGeometry g, CudaStorage x, CudaStorage y) {
        throw Unimplemented.op("max pool");
    }

    void maxPoolBackward(PoolGeometry g, CudaStorage x, CudaStorage gy, CudaStorage gx) {
        throw Unimplemented.op("max pool backward");
    }

    void avgPool(PoolGeometry g, CudaStorage x, CudaStorage y) {
        throw Unimplemented.op("average pool");
    }

    void avgPoolBackward(PoolGeometry g, CudaStorage gy, CudaStorage gx) {
        throw Unimplemented.op("average pool backward");
    }

    void upsample(UpsampleMode mode, int n, int c, int h, int w, int factor, CudaStorage x, CudaStorage y) {
        throw Unimplemented.op("upsample " + mode);
    }

    void upsampleBackward(UpsampleMode mode, int n, int c, int h, int w, int factor, CudaStorage gy, CudaStorage gx) {
        throw Unimplemented.op("upsample backward " + mode);
    }
}
