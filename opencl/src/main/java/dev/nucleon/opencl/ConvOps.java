package dev.nucleon.opencl;

import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.Epilogue;

/**
 * Launches the kernel of {@code conv.cl}: the convolution forward pass as an implicit GEMM, with the bias and an
 * activation applied as the output is written. The backward passes (data and weight) run the composed defaults
 * (col2im / im2col by strided copies, and {@code gemm.cl}).
 */
final class ConvOps {

    private final OpenClContext context;

    ConvOps(OpenClContext context) {
        this.context = context;
    }

    void forward(ConvGeometry g, OpenClStorage x, OpenClStorage w, OpenClStorage bias, OpenClStorage y, Epilogue epilogue) {
        int m = g.outChannels() / g.groups();
        long n = (long) g.outHeight() * g.outWidth();
        int tile = context.gemmTile();
        long[] global = {roundUp(n, tile), roundUp(m, tile), (long) g.n() * g.groups()};
        long[] local = {tile, tile, 1};
        context.launch("conv", "conv2d_forward", global, local, x, w, bias == null ? w : bias, bias == null ? 0 : 1, y,
                g.inChannels(), g.height(), g.width(), g.outChannels(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(),
                g.padH(), g.padW(), g.dilationH(), g.dilationW(), g.groups(), g.outHeight(), g.outWidth(),
                epilogue.isNone() ? -1 : epilogue.op().ordinal(), epilogue.p1());
    }

    private static long roundUp(long v, int granule) {
        return (v + granule - 1) / granule * granule;
    }
}
