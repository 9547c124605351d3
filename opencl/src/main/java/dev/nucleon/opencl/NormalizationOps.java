package dev.nucleon.opencl;

/** Launches the kernel of {@code normalization.cl}: the batch-norm forward pass with given statistics. */
final class NormalizationOps {

    private final OpenClContext context;

    NormalizationOps(OpenClContext context) {
        this.context = context;
    }

    void forward(OpenClStorage x, int n, int c, int spatial, OpenClStorage mean, OpenClStorage invStd,
                 OpenClStorage gamma, OpenClStorage beta, OpenClStorage y) {
        long count = (long) n * c * spatial;
        if (count > 0) {
            context.launch("normalization", "batch_norm_forward", new long[] {OpenClContext.linear(count)}, null,
                    x, mean, invStd, gamma, beta, y, c, (long) spatial, count);
        }
    }
}
