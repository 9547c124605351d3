package dev.nucleon.opencl;

import dev.nucleon.core.backend.ReduceOp;

/** Launches the kernel of {@code reduce.cl}: sum or max over axes. */
final class ReductionOps {

    private final OpenClContext context;

    ReductionOps(OpenClContext context) {
        this.context = context;
    }

    /**
     * Splits x's (merged) axes into the kept ones (the output's, walked by the output index) and the reduced ones
     * (walked by the odometer of each work-item), both with x's strides.
     */
    void reduce(ReduceOp op, OpenClStorage x, int[] xShape, OpenClStorage out, int[] outShape) {
        long outputs = dev.nucleon.core.Shape.numel(outShape);
        if (outputs == 0) {
            return;
        }
        long count = dev.nucleon.core.Shape.numel(xShape) / outputs;
        Walk dims = Walk.of(xShape, Walk.contiguous(xShape), Walk.broadcast(outShape, xShape));
        int rank = dims.sizes().length;
        int keptRank = 0;
        for (int d = 0; d < rank; d++) {
            keptRank += dims.stride1()[d] != 0 ? 1 : 0;
        }
        long[] keptSizes = new long[keptRank];
        long[] keptStrides = new long[keptRank];
        long[] reducedSizes = new long[rank - keptRank];
        long[] reducedStrides = new long[rank - keptRank];
        for (int d = 0, k = 0, r = 0; d < rank; d++) {
            if (dims.stride1()[d] != 0) {
                keptSizes[k] = dims.sizes()[d];
                keptStrides[k++] = dims.stride0()[d];
            } else {
                reducedSizes[r] = dims.sizes()[d];
                reducedStrides[r++] = dims.stride0()[d];
            }
        }
        String name = "reduce " + op;
        long[] kept = new Walk(keptSizes, keptStrides, new long[keptRank]).table(name);
        long[] reduced = new Walk(reducedSizes, reducedStrides, new long[rank - keptRank]).table(name);
        context.launch("reduce", "reduce_outputs", new long[] {OpenClContext.linear(outputs)}, null,
                op.ordinal(), kept, reduced, x, out, outputs, count);
    }
}
