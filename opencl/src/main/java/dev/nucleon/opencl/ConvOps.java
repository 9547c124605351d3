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

    /**
     * {@return the program for a product with {@code rows} rows: "conv" (64-row blocks with TILE 16) when the rows
     * fill such a block, else "conv_narrow" (one row per work-item: 16-row blocks), so that few channels do not leave
     * most of a block idle}
     */
    private String program(long rows) {
        return rows >= (long) context.gemmTile() * GemmOps.WPT_M ? "conv" : "conv_narrow";
    }

    /** {@return output rows per work-item of {@code program}} */
    private static int rowsPerItem(String program) {
        return program.equals("conv") ? GemmOps.WPT_M : 1;
    }

    /**
     * The launch of a blocked product of {@code rows × columns} per {@code batch} (gemm.cl's layout: work-groups of
     * TILE×TILE work-items, each work-group a (TILE·WPT_M) × (TILE·WPT_N) block of the product).
     */
    private long[][] blocked(String program, long columns, long rows, long batch) {
        int tile = context.gemmTile();
        long[] global = {ceilDiv(columns, (long) tile * GemmOps.WPT_N) * tile,
                ceilDiv(rows, (long) tile * rowsPerItem(program)) * tile, batch};
        return new long[][] {global, {tile, tile, 1}};
    }

    /** y (N, C_out, H_out, W_out) = f(conv2d(x, w) + bias); the product (C_out/groups × H_out·W_out) per image and group. */
    void forward(ConvGeometry g, OpenClStorage x, OpenClStorage w, OpenClStorage bias, OpenClStorage y, Epilogue epilogue) {
        String program = program(g.outChannels() / g.groups());
        long[][] launch = blocked(program, (long) g.outHeight() * g.outWidth(), g.outChannels() / g.groups(),
                (long) g.n() * g.groups());
        long[] global = launch[0];
        long[] local = launch[1];
        context.launch(program, "conv2d_forward", global, local, x, w, bias == null ? w : bias, bias == null ? 0 : 1, y,
                g.inChannels(), g.height(), g.width(), g.outChannels(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(),
                g.padH(), g.padW(), g.dilationH(), g.dilationW(), g.groups(), g.outHeight(), g.outWidth(),
                epilogue.isNone() ? -1 : epilogue.op().ordinal(), epilogue.p1());
    }

    /** gx (N, C_in, H, W) from gy (N, C_out, H_out, W_out) and w; the product (C_in/groups × H·W) per image and group. */
    void backwardData(ConvGeometry g, OpenClStorage gy, OpenClStorage w, OpenClStorage gx) {
        String program = program(g.inChannels() / g.groups());
        long[][] launch = blocked(program, (long) g.height() * g.width(), g.inChannels() / g.groups(),
                (long) g.n() * g.groups());
        long[] global = launch[0];
        long[] local = launch[1];
        context.launch(program, "conv2d_backward_data", global, local, gy, w, gx,
                g.inChannels(), g.height(), g.width(), g.outChannels(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(),
                g.padH(), g.padW(), g.dilationH(), g.dilationW(), g.groups(), g.outHeight(), g.outWidth());
    }

    /**
     * gw (C_out, C_in/groups, kH, kW) from x and gy; the product (C_out/groups × K) per group and split of the
     * reduction. With more than one split the partial products go to a (splits, gw.size()) scratch, summed over the
     * splits into gw.
     */
    void backwardWeight(ConvGeometry g, OpenClStorage x, OpenClStorage gy, OpenClStorage gw) {
        int m = g.outChannels() / g.groups();
        int k = g.inChannels() / g.groups() * g.kernelH() * g.kernelW();
        int tile = context.gemmTile();
        String program = program(m);
        long positions = (long) g.n() * g.outHeight() * g.outWidth();
        long outputTiles = ceilDiv(m, (long) tile * rowsPerItem(program)) * ceilDiv(k, (long) tile * GemmOps.WPT_N)
                * g.groups();
        long wanted = ceilDiv((long) GROUPS_PER_COMPUTE_UNIT * context.computeUnits(), outputTiles);
        long most = ceilDiv(positions, (long) MIN_TILES_PER_SPLIT * tile);
        long splits = Math.max(1, Math.min(wanted, most));
        long chunk = roundUp(ceilDiv(positions, splits), tile);
        splits = ceilDiv(positions, chunk);
        int[] perSplit = {1, Math.toIntExact(gw.size())};
        OpenClStorage out = splits == 1 ? gw : scratch.apply(splits * gw.size());
        long[][] launch = blocked(program, k, m, splits * g.groups());
        long[] global = launch[0];
        long[] local = launch[1];
        context.launch(program, "conv2d_backward_weight", global, local, x, gy, out, gw.size(), Math.toIntExact(chunk),
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
