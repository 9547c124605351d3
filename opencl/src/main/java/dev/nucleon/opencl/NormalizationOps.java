package dev.nucleon.opencl;

import java.util.function.LongFunction;

/**
 * Launches the kernels of {@code normalization.cl}: the batch statistics (one work-group per channel), the batch-norm
 * forward pass with given statistics, and the backward pass (per-channel sums, one work-group per channel, then one
 * work-item per element of gx).
 */
final class NormalizationOps {

    /** SUM_GROUP of normalization.cl. */
    static final int SUM_GROUP = 64;

    private final OpenClContext context;
    private final LongFunction<OpenClStorage> scratch;

    /**
     * @param context the device
     * @param scratch allocates uninitialised device storage of the given size (released by this class)
     */
    NormalizationOps(OpenClContext context, LongFunction<OpenClStorage> scratch) {
        this.context = context;
        this.scratch = scratch;
    }

    /** Per channel of x (n, c, spatial): the mean and the biased variance, c floats each. */
    void statistics(OpenClStorage x, int n, int c, int spatial, OpenClStorage mean, OpenClStorage variance) {
        if ((long) n * c * spatial > 0) {
            context.launch("normalization", "batch_norm_statistics", new long[] {(long) SUM_GROUP * c},
                    new long[] {SUM_GROUP}, x, mean, variance, n, c, (long) spatial);
        }
    }

    void forward(OpenClStorage x, int n, int c, int spatial, OpenClStorage mean, OpenClStorage invStd,
                 OpenClStorage gamma, OpenClStorage beta, OpenClStorage y) {
        long count = (long) n * c * spatial;
        if (count > 0) {
            context.launch("normalization", "batch_norm_forward", new long[] {OpenClContext.linear(count)}, null,
                    x, mean, invStd, gamma, beta, y, c, (long) spatial, count);
        }
    }

    /** The contract of {@code Backend.batchNormBackward}; gx, gGamma and gBeta may each be null. */
    void backward(OpenClStorage x, OpenClStorage gy, int n, int c, int spatial, OpenClStorage mean, OpenClStorage invStd,
                  OpenClStorage gamma, boolean batchStatistics, OpenClStorage gx, OpenClStorage gGamma,
                  OpenClStorage gBeta) {
        long count = (long) n * c * spatial;
        if (count == 0) {
            return;
        }
        boolean needSums = gGamma != null || gBeta != null || (gx != null && batchStatistics);
        OpenClStorage sums = needSums ? scratch.apply(2L * c) : null;
        if (needSums) {
            context.launch("normalization", "batch_norm_backward_sums", new long[] {(long) SUM_GROUP * c},
                    new long[] {SUM_GROUP}, x, gy, mean, invStd, sums, gGamma == null ? sums : gGamma,
                    gGamma == null ? 0 : 1, gBeta == null ? sums : gBeta, gBeta == null ? 0 : 1, n, c, (long) spatial);
        }
        if (gx != null) {
            context.launch("normalization", "batch_norm_backward_data", new long[] {OpenClContext.linear(count)}, null,
                    x, gy, mean, invStd, gamma, sums == null ? gamma : sums, batchStatistics ? 1 : 0, gx, c,
                    (long) spatial, count);
        }
        if (sums != null) {
            sums.release();
        }
    }
}
