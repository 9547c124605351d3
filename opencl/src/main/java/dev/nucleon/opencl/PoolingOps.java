package dev.nucleon.opencl;

import dev.nucleon.core.backend.PoolGeometry;

/**
 * Launches the kernel of {@code pool.cl}: max and average pooling, forward. Their backward passes run the composed
 * defaults (the windows scattered back by accumulating strided copies).
 */
final class PoolingOps {

    private final OpenClContext context;

    PoolingOps(OpenClContext context) {
        this.context = context;
    }

    void forward(PoolGeometry g, OpenClStorage x, OpenClStorage y, boolean average) {
        long n = (long) g.n() * g.channels() * g.outHeight() * g.outWidth();
        context.launch("pool", "pool2d_forward", new long[] {OpenClContext.linear(n)}, null, x, y, average ? 1 : 0,
                g.countIncludePad() ? 1 : 0, g.height(), g.width(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(),
                g.padH(), g.padW(), g.outHeight(), g.outWidth(), n);
    }
}
