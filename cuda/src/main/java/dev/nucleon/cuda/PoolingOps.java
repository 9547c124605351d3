package dev.nucleon.cuda;

import dev.nucleon.core.backend.PoolGeometry;
import dev.nucleon.core.backend.UpsampleMode;

import java.util.List;

import static dev.nucleon.cuda.Kernel.Param.I32;
import static dev.nucleon.cuda.Kernel.Param.I64;
import static dev.nucleon.cuda.Kernel.Param.PTR;

/** Launches the kernels of {@code pool.cu}: max and average pooling, nearest and bilinear upsampling, and their gradients. */
final class PoolingOps {

    /** {@code struct Pool} of pool.cu: 13 ints in {@link #table}'s order. */
    static final Kernel.Param POOL = Kernel.Param.struct(13);

    static final Kernel MAX_POOL_FORWARD = Kernel.of("pool", "max_pool_forward", POOL, PTR, PTR, I64);
    static final Kernel MAX_POOL_BACKWARD = Kernel.of("pool", "max_pool_backward", POOL, PTR, PTR, PTR, I64);
    static final Kernel AVG_POOL_FORWARD = Kernel.of("pool", "avg_pool_forward", POOL, PTR, PTR, I64);
    static final Kernel AVG_POOL_BACKWARD = Kernel.of("pool", "avg_pool_backward", POOL, PTR, PTR, I64);
    static final Kernel UPSAMPLE_FORWARD = Kernel.of("pool", "upsample_forward", I32, I32, I32, I32, PTR, PTR, I64);
    static final Kernel UPSAMPLE_BACKWARD = Kernel.of("pool", "upsample_backward", I32, I32, I32, I32, PTR, PTR, I64);

    /** Every kernel this class launches (KernelBinariesTest checks them against the binaries). */
    static final List<Kernel> KERNELS = List.of(MAX_POOL_FORWARD, MAX_POOL_BACKWARD, AVG_POOL_FORWARD, AVG_POOL_BACKWARD,
            UPSAMPLE_FORWARD, UPSAMPLE_BACKWARD);

    private final CudaContext context;

    PoolingOps(CudaContext context) {
        this.context = context;
    }

    /** The geometry as pool.cu's {@code struct Pool}. */
    static int[] table(PoolGeometry g) {
        return new int[] {g.n(), g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(),
                g.padH(), g.padW(), g.countIncludePad() ? 1 : 0, g.outHeight(), g.outWidth()};
    }

    private static long inputSize(PoolGeometry g) {
        return (long) g.n() * g.channels() * g.height() * g.width();
    }

    private static long outputSize(PoolGeometry g) {
        return (long) g.n() * g.channels() * g.outHeight() * g.outWidth();
    }

    void maxPool(PoolGeometry g, CudaStorage x, CudaStorage y) {
        long n = outputSize(g);
        MAX_POOL_FORWARD.launch(context, Grid.linear(n), table(g), x, y, n);
    }

    void maxPoolBackward(PoolGeometry g, CudaStorage x, CudaStorage gy, CudaStorage gx) {
        long n = inputSize(g);
        MAX_POOL_BACKWARD.launch(context, Grid.linear(n), table(g), x, gy, gx, n);
    }

    void avgPool(PoolGeometry g, CudaStorage x, CudaStorage y) {
        long n = outputSize(g);
        AVG_POOL_FORWARD.launch(context, Grid.linear(n), table(g), x, y, n);
    }

    void avgPoolBackward(PoolGeometry g, CudaStorage gy, CudaStorage gx) {
        long n = inputSize(g);
        AVG_POOL_BACKWARD.launch(context, Grid.linear(n), table(g), gy, gx, n);
    }

    void upsample(UpsampleMode mode, int n, int c, int h, int w, int factor, CudaStorage x, CudaStorage y) {
        long big = (long) n * c * h * factor * w * factor;
        if (big > 0) {
            UPSAMPLE_FORWARD.launch(context, Grid.linear(big), mode.ordinal(), h, w, factor, x, y, big);
        }
    }

    void upsampleBackward(UpsampleMode mode, int n, int c, int h, int w, int factor, CudaStorage gy, CudaStorage gx) {
        long small = (long) n * c * h * w;
        if (small > 0) {
            UPSAMPLE_BACKWARD.launch(context, Grid.linear(small), mode.ordinal(), h, w, factor, gy, gx, small);
        }
    }
}
