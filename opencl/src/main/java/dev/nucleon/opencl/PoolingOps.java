package dev.nucleon.opencl;

import dev.nucleon.core.backend.PoolGeometry;

/**
 * Launches the kernels of {@code pool.cl}: max and average pooling forward, and max pooling backward (each input
 * cell gathers the gradients of the windows it wins). The average pooling backward runs the composed default (the
 * windows scattered back by accumulating strided copies).
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

    /** gx (N, C, H, W) from x and gy (N, C, H_out, W_out); one work-item per element of gx. */
    void maxBackward(PoolGeometry g, OpenClStorage x, OpenClStorage gy, OpenClStorage gx) {
        long n = (long) g.n() * g.channels() * g.height() * g.width();
        context.launch("pool", "max_pool2d_backward", new long[] {OpenClContext.linear(n)}, null, x, gy, gx,
                g.height(), g.width(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padH(), g.padW(),
                g.outHeight(), g.outWidth(), n);
    }
}
