package dev.nucleon.cuda;

import dev.nucleon.core.backend.ConvGeometry;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.nucleon.cuda.Kernel.Param.I32;
import static dev.nucleon.cuda.Kernel.Param.I64;
import static dev.nucleon.cuda.Kernel.Param.PTR;

/**
 * Launches the kernels of {@code conv.cu}: conv2d forward and both backward passes as implicit GEMMs
 * (no im2col buffer), each with a large- and a small-tile kernel ({@link GemmTile}), one group per
 * {@code blockIdx.z}; backward weight splits its long reduction (batch × output positions) into slices
 * summed by {@code splitk_sum} in a fixed order.
 *
 * <p>Resources (ptxas -v, sm_90, nvcc 13.0), registers / shared memory per block:
 * <pre>
 *   conv_forward_large          128 (56 bytes spilled)   16,896 B     conv_forward_small          123   4,608 B
 *   conv_backward_data_large    128 (56 bytes spilled)   16,896 B     conv_backward_data_small    123   4,608 B
 *   conv_backward_weight_large  128                      16,896 B     conv_backward_weight_small   93   4,608 B
 *   splitk_sum                   32
 * </pre>
 */
final class ConvOps {

    /** Shortest K slice of backward weight: 64 shared-memory steps, so a slice's prologue stays small. */
    static final int MIN_SLICE = 64 * GemmTile.DEPTH;

    private static final Kernel.Param SHAPE = Kernel.Param.struct(16);
    private static final Map<GemmTile, Kernel> FORWARD = perTile("conv_forward_", SHAPE, PTR, PTR, PTR, PTR);
    private static final Map<GemmTile, Kernel> BACKWARD_DATA = perTile("conv_backward_data_", SHAPE, PTR, PTR, PTR);
    private static final Map<GemmTile, Kernel> BACKWARD_WEIGHT = perTile("conv_backward_weight_", SHAPE, PTR, PTR, PTR, I32);
    static final Kernel SPLITK_SUM = Kernel.of("conv", "splitk_sum", PTR, I32, I64, PTR);

    /** Every kernel this class launches (KernelBinariesTest checks them against the binaries). */
    static final List<Kernel> KERNELS = Stream.concat(
            Stream.of(FORWARD, BACKWARD_DATA, BACKWARD_WEIGHT).flatMap(m -> m.values().stream()), Stream.of(SPLITK_SUM)).toList();

    private final CudaContext context;

    ConvOps(CudaContext context) {
        this.context = context;
    }

    private static Map<GemmTile, Kernel> perTile(String prefix, Kernel.Param... params) {
        Map<GemmTile, Kernel> m = new EnumMap<>(GemmTile.class);
        for (GemmTile tile : GemmTile.values()) {
            m.put(tile, Kernel.of("conv", prefix + tile.suffix(), params));
        }
        return m;
    }

    /** ConvShape of conv.cu: the geometry as 16 ints in the struct's order. */
    static int[] shape(ConvGeometry g) {
        return new int[] {g.n(), g.inChannels(), g.height(), g.width(), g.outChannels(), g.kernelH(), g.kernelW(),
                g.strideH(), g.strideW(), g.padH(), g.padW(), g.dilationH(), g.dilationW(), g.groups(),
                g.outHeight(), g.outWidth()};
    }

    /** y = conv2d(x, w) + bias: M = C_out/G, N = batch·H_out·W_out, K = C_in/G·kH·kW, grid z = groups. */
    void forward(ConvGeometry g, CudaStorage x, CudaStorage w, CudaStorage bias, CudaStorage y) {
        long rows = g.outChannels() / g.groups();
        long cols = gemmSize(g, (long) g.n() * g.outHeight() * g.outWidth());
        GemmTile tile = GemmTile.choose(rows, cols, g.groups(), 1);
        FORWARD.get(tile).launch(context, tile.grid(rows, cols, groups(g)), shape(g), x, w, Kernel.orNull(bias), y);
    }

    /** gx = ∂conv/∂x · gy, gathered per input pixel: M = C_in/G, N = batch·H·W, K = C_out/G·kH·kW. */
    void backwardData(ConvGeometry g, CudaStorage gy, CudaStorage w, CudaStorage gx) {
        long rows = g.inChannels() / g.groups();
        long cols = gemmSize(g, (long) g.n() * g.height() * g.width());
        GemmTile tile = GemmTile.choose(rows, cols, g.groups(), 1);
        BACKWARD_DATA.get(tile).launch(context, tile.grid(rows, cols, groups(g)), shape(g), gy, w, gx);
    }

    /**
     * gW = ∂conv/∂w · gy: M = C_out/G, N = C_in/G·kH·kW, K = batch·H_out·W_out cut into slices of a
     * multiple of 8; with more than one slice the partial gWs go to scratch memory and splitk_sum adds them.
     */
    void backwardWeight(ConvGeometry g, CudaStorage x, CudaStorage gy, CudaStorage gw) {
        long rows = g.outChannels() / g.groups();
        long cols = (long) g.inChannels() / g.groups() * g.kernelH() * g.kernelW();
        long k = gemmSize(g, (long) g.n() * g.outHeight() * g.outWidth());
        GemmTile tile = GemmTile.choose(rows, cols, g.groups(), Math.max(1, k / MIN_SLICE));
        int slices = GemmTile.slices(tile.blocks(rows, cols) * g.groups(), k, groups(g), MIN_SLICE);
        int chunk = (int) roundUp(GemmTile.ceilDiv(k, slices), GemmTile.DEPTH);
        slices = (int) GemmTile.ceilDiv(k, chunk);
        Kernel kernel = BACKWARD_WEIGHT.get(tile);
        Grid grid = tile.grid(rows, cols, groups(g) * slices);
        if (slices == 1) {
            kernel.launch(context, grid, shape(g), x, gy, gw, chunk);
            return;
        }
        long size = gw.size();
        try (Scratch partials = new Scratch(context, slices * size)) {
            kernel.launch(context, grid, shape(g), x, gy, partials.at(0), chunk);
            SPLITK_SUM.launch(context, Grid.linear(size), partials.at(0), slices, size, gw);
        }
    }

    private static int groups(ConvGeometry g) {
        if (g.groups() > GemmTile.MAX_GRID_YZ) {
            throw new IllegalArgumentException("cuda conv2d: at most " + GemmTile.MAX_GRID_YZ + " groups, got " + g);
        }
        return g.groups();
    }

    /** A GEMM dimension of this convolution, which the kernels index with 32-bit ints. */
    private static long gemmSize(ConvGeometry g, long size) {
        if (size > Integer.MAX_VALUE - 256) {
            throw new IllegalArgumentException("cuda conv2d: " + g + " has " + size + " positions, more than the kernels index");
        }
        return size;
    }

    private static long roundUp(long a, long multiple) {
        return GemmTile.ceilDiv(a, multiple) * multiple;
    }
}
