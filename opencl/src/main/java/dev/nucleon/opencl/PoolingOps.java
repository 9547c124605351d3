package dev.nucleon.opencl;

import dev.nucleon.core.backend.PoolGeometry;

import java.util.function.Consumer;

/**
 * Launches the kernels of {@code pool.cl}: max and average pooling forward, and max pooling backward (one
 * work-item per window where windows do not overlap, else each input cell gathers the gradients of the windows it
 * wins). The average pooling backward runs the composed default (the
 * windows scattered back by accumulating strided copies).
 */
final class PoolingOps {

    private final OpenClContext context;
    private final Consumer<OpenClStorage> fill;

    /**
     * @param context the device
     * @param fill    zero-fills a storage (the backward pass's cells outside every window)
     */
    PoolingOps(OpenClContext context, Consumer<OpenClStorage> fill) {
        this.context = context;
        this.fill = fill;
    }

    void forward(PoolGeometry g, OpenClStorage x, OpenClStorage y, boolean average) {
        long n = (long) g.n() * g.channels() * g.outHeight() * g.outWidth();
        context.launch("pool", "pool2d_forward", new long[] {OpenClContext.linear(n)}, null, x, y, average ? 1 : 0,
                g.countIncludePad() ? 1 : 0, g.height(), g.width(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(),
                g.padH(), g.padW(), g.outHeight(), g.outWidth(), n);
    }

    /**
     * gx (N, C, H, W) from x and gy (N, C, H_out, W_out). Windows that do not overlap (stride ≥ kernel both ways):
     * one work-item per window, after a zero fill when some cells lie in no window; otherwise one work-item per
     * element of gx.
     */
    void maxBackward(PoolGeometry g, OpenClStorage x, OpenClStorage gy, OpenClStorage gx) {
        long planes = (long) g.n() * g.channels();
        if (g.strideH() >= g.kernelH() && g.strideW() >= g.kernelW()) {
            boolean covered = g.strideH() == g.kernelH() && g.strideW() == g.kernelW()
                    && (long) g.outHeight() * g.kernelH() - g.padH() >= g.height()
                    && (long) g.outWidth() * g.kernelW() - g.padW() >= g.width();
            if (!covered) {
                fill.accept(gx);
            }
            long windows = planes * g.outHeight() * g.outWidth();
            context.launch("pool", "max_pool2d_backward_windows", new long[] {OpenClContext.linear(windows)}, null,
                    x, gy, gx, g.height(), g.width(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padH(),
                    g.padW(), g.outHeight(), g.outWidth(), windows);
            return;
        }
        long n = planes * g.height() * g.width();
        context.launch("pool", "max_pool2d_backward", new long[] {OpenClContext.linear(n)}, null, x, gy, gx,
                g.height(), g.width(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padH(), g.padW(),
                g.outHeight(), g.outWidth(), n);
    }
}
