package dev.nucleon.cuda;

import dev.nucleon.core.backend.ReduceOp;

import java.util.List;

import static dev.nucleon.cuda.Kernel.Param.I32;
import static dev.nucleon.cuda.Kernel.Param.I64;
import static dev.nucleon.cuda.Kernel.Param.PTR;
import static dev.nucleon.cuda.ShapeTables.SHAPE;

/** Launches the kernels of {@code reduce.cu}: axis reductions, softmax and the negative log-likelihood. */
final class ReductionOps {

    static final Kernel REDUCE_ROWS = Kernel.of("reduce", "reduce_rows", I32, SHAPE, SHAPE, PTR, PTR, I64, I64);
    static final Kernel REDUCE_ROWS_SPLIT = Kernel.of("reduce", "reduce_rows_split", I32, SHAPE, SHAPE, PTR, PTR, I64, I64, I32);
    static final Kernel REDUCE_PARTIALS = Kernel.of("reduce", "reduce_partials", I32, PTR, PTR, I64, I32);
    static final Kernel REDUCE_COLUMNS = Kernel.of("reduce", "reduce_columns", I32, SHAPE, SHAPE, PTR, PTR, I64, I64);
    static final Kernel SOFTMAX_LINES = Kernel.of("reduce", "softmax_lines", PTR, PTR, I64, I32, I32, I32);
    static final Kernel SOFTMAX_ROWS = Kernel.of("reduce", "softmax_rows", PTR, PTR, I64, I32, I32);
    static final Kernel SOFTMAX_BACKWARD_LINES = Kernel.of("reduce", "softmax_backward_lines", PTR, PTR, PTR, I64, I32, I32, I32);
    static final Kernel SOFTMAX_BACKWARD_ROWS = Kernel.of("reduce", "softmax_backward_rows", PTR, PTR, PTR, I64, I32, I32);
    static final Kernel NLL_LOSS = Kernel.of("reduce", "nll_loss", PTR, PTR, PTR, PTR, I64, I32, I32);
    static final Kernel NLL_LOSS_BACKWARD = Kernel.of("reduce", "nll_loss_backward", PTR, PTR, PTR, PTR, I64, I32, I32);

    /** Every kernel this class launches (KernelBinariesTest checks them against the binaries). */
    static final List<Kernel> KERNELS = List.of(REDUCE_ROWS, REDUCE_ROWS_SPLIT, REDUCE_PARTIALS, REDUCE_COLUMNS,
            SOFTMAX_LINES, SOFTMAX_ROWS, SOFTMAX_BACKWARD_LINES, SOFTMAX_BACKWARD_ROWS, NLL_LOSS, NLL_LOSS_BACKWARD);

    /** Threads per block of the block-per-output reductions. */
    static final int REDUCE_BLOCK = 256;
    /** reduce_rows_split aims for about this many blocks (a few waves on any current GPU)... */
    static final int SPLIT_TARGET_BLOCKS = 1024;
    /** ...but gives each block at least this many elements, so the second pass stays small. */
    static final long SPLIT_MIN_CHUNK = 16L * REDUCE_BLOCK;
    /** Warps per block of the warp-per-row softmax kernels. */
    private static final int WARPS_PER_BLOCK = 8;

    private final CudaBackend backend;
    private final CudaContext context;

    ReductionOps(CudaBackend backend) {
        this.backend = backend;
        this.context = backend.context();
    }

    /** How reduce runs: which kernel, its two tables, and how many chunks each output is split into. */
    record ReducePlan(boolean rows, int[] kept, int[] reduced, long outputs, long count, int chunks) {
    }

    /** Host-side planning of {@link #reduce}, separate so it can be tested without a GPU. */
    static ReducePlan plan(ReduceOp op, int[] xShape, int[] outShape) {
        long outputs = dev.nucleon.core.Shape.numel(outShape);
        long total = dev.nucleon.core.Shape.numel(xShape);
        long count = outputs == 0 ? 0 : total / outputs;
        ShapeTables.Dims dims = ShapeTables.coalesce(xShape, ShapeTables.contiguous(xShape),
                ShapeTables.broadcast(outShape, xShape));
        int rank = dims.rank();
        long[] xStrides = dims.strides()[0];
        long[] outStrides = dims.strides()[1];
        int keptRank = 0;
        for (int d = 0; d < rank; d++) {
            keptRank += outStrides[d] != 0 ? 1 : 0;
        }
        int[] keptSizes = new int[keptRank];
        long[] keptStrides = new long[keptRank];
        int[] reducedSizes = new int[rank - keptRank];
        long[] reducedStrides = new long[rank - keptRank];
        for (int d = 0, k = 0, r = 0; d < rank; d++) {
            if (outStrides[d] != 0) {
                keptSizes[k] = dims.sizes()[d];
                keptStrides[k++] = xStrides[d];
            } else {
                reducedSizes[r] = dims.sizes()[d];
                reducedStrides[r++] = xStrides[d];
            }
        }
        String name = "reduce " + op;
        int[] kept = ShapeTables.shape(name, keptSizes, keptStrides);
        int[] reduced = ShapeTables.shape(name, reducedSizes, reducedStrides);
        boolean rows = rank > 0 && outStrides[rank - 1] == 0; // the innermost (contiguous) axis is reduced
        int chunks = 1;
        if (rows && outputs < SPLIT_TARGET_BLOCKS && count >= 2 * SPLIT_MIN_CHUNK) {
            long wanted = (SPLIT_TARGET_BLOCKS + outputs - 1) / outputs;
            chunks = (int) Math.min(wanted, count / SPLIT_MIN_CHUNK);
        }
        return new ReducePlan(rows, kept, reduced, outputs, count, chunks);
    }

    void reduce(ReduceOp op, CudaStorage x, int[] xShape, CudaStorage out, int[] outShape) {
        ReducePlan p = plan(op, xShape, outShape);
        if (p.outputs() == 0) {
            return;
        }
        int o = op.ordinal();
        if (!p.rows()) {
            REDUCE_COLUMNS.launch(context, Grid.linear(p.outputs()), o, p.kept(), p.reduced(), x, out, p.outputs(), p.count());
        } else if (p.chunks() == 1) {
            REDUCE_ROWS.launch(context, blocks(p.outputs(), p.count()), o, p.kept(), p.reduced(), x, out, p.outputs(), p.count());
        } else {
            long jobs = p.outputs() * p.chunks();
            try (Scratch partial = new Scratch(context, 2 * jobs)) { // jobs doubles
                REDUCE_ROWS_SPLIT.launch(context, blocks(jobs, p.count() / p.chunks()), o, p.kept(), p.reduced(), x,
                        partial.at(0), p.outputs(), p.count(), p.chunks());
                REDUCE_PARTIALS.launch(context, blocks(p.outputs(), p.chunks()), o, partial.at(0), out, p.outputs(), p.chunks());
            }
        }
    }

    /** A block per job (grid-stride beyond 65,536), as many threads as the job has elements, in whole warps, up to 256. */
    static Grid blocks(long jobs, long elementsPerJob) {
        int threads = (int) Math.min(REDUCE_BLOCK, Math.max(32, (elementsPerJob + 31) / 32 * 32));
        return Grid.of((int) Math.min(jobs, 65_536), threads);
    }

    void softmax(CudaStorage x, CudaStorage y, int outer, int dim, int inner, boolean log) {
        long lines = (long) outer * inner;
        if (lines == 0 || dim == 0) {
            return;
        }
        if (inner == 1) {
            SOFTMAX_ROWS.launch(context, warpPerRow(lines), x, y, lines, dim, log ? 1 : 0);
        } else {
            SOFTMAX_LINES.launch(context, Grid.linear(lines), x, y, lines, dim, inner, log ? 1 : 0);
        }
    }

    void softmaxBackward(CudaStorage y, CudaStorage gy, CudaStorage gx, int outer, int dim, int inner, boolean log) {
        long lines = (long) outer * inner;
        if (lines == 0 || dim == 0) {
            return;
        }
        if (inner == 1) {
            SOFTMAX_BACKWARD_ROWS.launch(context, warpPerRow(lines), y, gy, gx, lines, dim, log ? 1 : 0);
        } else {
            SOFTMAX_BACKWARD_LINES.launch(context, Grid.linear(lines), y, gy, gx, lines, dim, inner, log ? 1 : 0);
        }
    }

    private static Grid warpPerRow(long rows) {
        return Grid.of((int) Math.min(65_536, (rows + WARPS_PER_BLOCK - 1) / WARPS_PER_BLOCK), 32 * WARPS_PER_BLOCK);
    }

    void nllLoss(CudaStorage logp, CudaStorage target, CudaStorage loss, int outer, int classes, int inner) {
        long positions = (long) outer * inner;
        if (positions == 0) {
            return;
        }
        CudaStorage error = (CudaStorage) backend.allocate(1);
        NLL_LOSS.launch(context, Grid.linear(positions), logp, target, loss, error, positions, classes, inner);
        checkTargets(error, target, outer, classes, inner);
    }

    void nllLossBackward(CudaStorage target, CudaStorage gLoss, CudaStorage gLogp, int outer, int classes, int inner) {
        long n = (long) outer * classes * inner;
        if (n == 0) {
            return;
        }
        CudaStorage error = (CudaStorage) backend.allocate(1);
        NLL_LOSS_BACKWARD.launch(context, Grid.linear(n), target, gLoss, gLogp, error, n, classes, inner);
        checkTargets(error, target, outer, classes, inner);
    }

    /**
     * Waits for the kernel's error flag (a sync point, acceptable once per loss); if it is set, finds the
     * first invalid target on the host and throws the CPU backend's message for it.
     */
    private void checkTargets(CudaStorage error, CudaStorage target, int outer, int classes, int inner) {
        float[] flag = new float[1];
        backend.download(error, 0, flag, 0, 1);
        if (flag[0] == 0f) {
            return;
        }
        float[] t = new float[outer * inner];
        backend.download(target, 0, t, 0, t.length);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                float v = t[o * inner + i];
                int c = (int) v;
                if (c != v || c < 0 || c >= classes) {
                    throw new IllegalArgumentException("cross_entropy: target at batch " + o + ", position " + i + " is " + v
                            + "; expected a class index in [0, " + classes + ")");
                }
            }
        }
        throw new IllegalStateException("cuda: nll_loss flagged an invalid target but every target is valid");
    }
}
