package dev.nucleon.opencl;

import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.backend.ReduceOp;

import java.util.function.LongFunction;

/**
 * Launches the kernels of {@code conv.cl}, each an implicit GEMM that gathers its operand from the tensors instead
 * of a materialised im2col matrix: the forward pass (the bias and an activation applied as the output is written),
 * the backward-data pass (each input pixel gathers the output gradients of the windows that read it) and the
 * backward-weight pass (a reduction over the batch's output positions, split across work-groups and summed by
 * {@code reduce.cl}).
 */
final class ConvOps {

    /** A backward-weight split covers at least this many tiles of the reduction (so a split is worth its launch). */
    private static final int MIN_TILES_PER_SPLIT = 16;
    /** Splits are added until there are about this many work-groups per compute unit. */
    private static final int GROUPS_PER_COMPUTE_UNIT = 8;

    private final OpenClContext context;
    private final ReductionOps reductions;
    private final LongFunction<OpenClStorage> scratch;

    /**
     * @param context    the device
     * @param reductions sums the backward-weight splits
     * @param scratch    allocates uninitialised device storage of the given size (released by this class)
     */
    ConvOps(OpenClContext context, ReductionOps reductions, LongFunction<OpenClStorage> scratch) {
        this.context = context;
        this.reductions = reductions;
        this.scratch = scratch;
    }

    /** y (N, C_out, H_out, W_out) = f(conv2d(x, w) + bias); global (H_out·W_out, C_out/groups, N·groups). */
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

    /** gx (N, C_in, H, W) from gy (N, C_out, H_out, W_out) and w; global (H·W, C_in/groups, N·groups). */
    void backwardData(ConvGeometry g, OpenClStorage gy, OpenClStorage w, OpenClStorage gx) {
        int m = g.inChannels() / g.groups();
        long n = (long) g.height() * g.width();
        int tile = context.gemmTile();
        long[] global = {roundUp(n, tile), roundUp(m, tile), (long) g.n() * g.groups()};
        long[] local = {tile, tile, 1};
        context.launch("conv", "conv2d_backward_data", global, local, gy, w, gx,
                g.inChannels(), g.height(), g.width(), g.outChannels(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(),
                g.padH(), g.padW(), g.dilationH(), g.dilationW(), g.groups(), g.outHeight(), g.outWidth());
    }

    /**
     * gw (C_out, C_in/groups, kH, kW) from x and gy; global (K, C_out/groups, splits·groups). With more than one
     * split the partial products go to a (splits, gw.size()) scratch, summed over the splits into gw.
     */
    void backwardWeight(ConvGeometry g, OpenClStorage x, OpenClStorage gy, OpenClStorage gw) {
        int m = g.outChannels() / g.groups();
        int k = g.inChannels() / g.groups() * g.kernelH() * g.kernelW();
        int tile = context.gemmTile();
        long positions = (long) g.n() * g.outHeight() * g.outWidth();
        long outputTiles = ceilDiv(m, tile) * ceilDiv(k, tile) * g.groups();
        long wanted = ceilDiv((long) GROUPS_PER_COMPUTE_UNIT * context.computeUnits(), outputTiles);
        long most = ceilDiv(positions, (long) MIN_TILES_PER_SPLIT * tile);
        long splits = Math.max(1, Math.min(wanted, most));
        long chunk = roundUp(ceilDiv(positions, splits), tile);
        splits = ceilDiv(positions, chunk);
        int[] perSplit = {1, Math.toIntExact(gw.size())};
        OpenClStorage out = splits == 1 ? gw : scratch.apply(splits * gw.size());
        long[] global = {roundUp(k, tile), roundUp(m, tile), splits * g.groups()};
        long[] local = {tile, tile, 1};
        context.launch("conv", "conv2d_backward_weight", global, local, x, gy, out, gw.size(), Math.toIntExact(chunk),
                g.n(), g.inChannels(), g.height(), g.width(), g.outChannels(), g.kernelH(), g.kernelW(), g.strideH(),
                g.strideW(), g.padH(), g.padW(), g.dilationH(), g.dilationW(), g.groups(), g.outHeight(), g.outWidth());
        if (out != gw) {
            reductions.reduce(ReduceOp.SUM, out, new int[] {Math.toIntExact(splits), perSplit[1]}, gw, perSplit);
            out.release();
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static long roundUp(long v, long granule) {
        return ceilDiv(v, granule) * granule;
    }
}
