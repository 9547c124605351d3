package dev.nucleon.core.reference;

/**
 * Double-precision batch normalisation over (N, C, H, W), per channel c:
 * y = (x − μ_c)/√(σ²_c + ε)·γ_c + β_c. Training: μ, σ² are the batch's mean and biased variance (over
 * N·H·W values). Inference: the running statistics. Running update (PyTorch):
 * running ← (1 − momentum)·running + momentum·batch, with the unbiased variance σ²·M/(M − 1).
 *
 * <p>The specification of batch normalisation as the formula reads; the reference backend runs the composed ops
 * of {@code dev.nucleon.core.composed.ComposedNormalization}, which the conformance suite checks against this.
 */
public final class ReferenceBatchNorm {

    private ReferenceBatchNorm() {
    }

    /**
     * {@return the per-channel mean μ_c over N·H·W values, C of them}
     *
     * @param x     the input values
     * @param shape x's shape (N, C, H, W)
     */
    public static double[] mean(double[] x, int[] shape) {
        int c = shape[1], spatial = shape[2] * shape[3];
        double[] mean = new double[c];
        for (int i = 0; i < x.length; i++) {
            mean[(i / spatial) % c] += x[i];
        }
        for (int ch = 0; ch < c; ch++) {
            mean[ch] /= (double) shape[0] * spatial;
        }
        return mean;
    }

    /**
     * {@return the per-channel variance, C of them}
     *
     * @param x        the input values
     * @param shape    x's shape (N, C, H, W)
     * @param unbiased divide by M − 1 (true) or by M = N·H·W (false)
     */
    public static double[] variance(double[] x, int[] shape, boolean unbiased) {
        int c = shape[1], spatial = shape[2] * shape[3];
        double[] mean = mean(x, shape);
        double[] var = new double[c];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / spatial) % c;
            var[ch] += (x[i] - mean[ch]) * (x[i] - mean[ch]);
        }
        double m = (double) shape[0] * spatial;
        for (int ch = 0; ch < c; ch++) {
            var[ch] /= unbiased ? m - 1 : m;
        }
        return var;
    }

    /**
     * {@return the training forward pass with the batch's statistics, x's shape}
     *
     * @param x     the input values
     * @param shape x's shape (N, C, H, W)
     * @param gamma γ, C values, or null for 1
     * @param beta  β, C values, or null for 0
     * @param eps   ε, added to the variance
     */
    public static double[] train(double[] x, int[] shape, double[] gamma, double[] beta, double eps) {
        return normalize(x, shape, mean(x, shape), variance(x, shape, false), gamma, beta, eps);
    }

    /**
     * {@return the inference forward pass with the running statistics, x's shape}
     *
     * @param x           the input values
     * @param shape       x's shape (N, C, H, W)
     * @param runningMean C values
     * @param runningVar  C values
     * @param gamma       γ, C values, or null for 1
     * @param beta        β, C values, or null for 0
     * @param eps         ε, added to the variance
     */
    public static double[] eval(double[] x, int[] shape, double[] runningMean, double[] runningVar, double[] gamma,
                                double[] beta, double eps) {
        return normalize(x, shape, runningMean, runningVar, gamma, beta, eps);
    }

    private static double[] normalize(double[] x, int[] shape, double[] mean, double[] var, double[] gamma,
                                      double[] beta, double eps) {
        int c = shape[1], spatial = shape[2] * shape[3];
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / spatial) % c;
            double xhat = (x[i] - mean[ch]) / Math.sqrt(var[ch] + eps);
            y[i] = xhat * (gamma == null ? 1 : gamma[ch]) + (beta == null ? 0 : beta[ch]);
        }
        return y;
    }

    /**
     * {@return the running statistic after one training step: (1 − momentum)·running + momentum·batch}
     *
     * @param running  the running mean or variance, C values
     * @param batch    this batch's statistic (the unbiased variance for the running variance)
     * @param momentum the update weight, in [0, 1]
     */
    public static double[] runningUpdate(double[] running, double[] batch, double momentum) {
        double[] out = new double[running.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (1 - momentum) * running[i] + momentum * batch[i];
        }
        return out;
    }
}
