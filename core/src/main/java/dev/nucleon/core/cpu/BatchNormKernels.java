package dev.nucleon.core.cpu;

/**
 * CPU batch normalisation over x viewed as (n, c, spatial); per-channel sums accumulate in double.
 *
 * <p>Backward with batch statistics (M = n·spatial, x̂ = (x − μ)·invStd):
 * {@code gx = γ·invStd/M · (M·gy − Σgy − x̂·Σ(gy·x̂))}; with fixed statistics {@code gx = γ·invStd·gy}.
 */
final class BatchNormKernels {

    private BatchNormKernels() {
    }

    static void statistics(float[] x, int n, int c, int spatial, float[] mean, float[] variance) {
        long m = (long) n * spatial;
        Parallel.range(c, 1, (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double s = 0;
                for (int b = 0; b < n; b++) {
                    int base = (b * c + ch) * spatial;
                    s += Sums.sum(x, base, base + spatial);
                }
                double mu = s / m;
                double ss = 0;
                for (int b = 0; b < n; b++) {
                    int base = (b * c + ch) * spatial;
                    ss += Sums.sumSquaredDeviations(x, base, base + spatial, mu);
                }
                mean[ch] = (float) mu;
                variance[ch] = (float) (ss / m);
            }
        });
    }

    static void forward(float[] x, int n, int c, int spatial, float[] mean, float[] invStd, float[] gamma,
                        float[] beta, float[] y) {
        Parallel.range(n * c, 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                int ch = p % c;
                float scale = invStd[ch] * gamma[ch];
                float shift = beta[ch] - mean[ch] * scale;
                int base = p * spatial;
                for (int i = 0; i < spatial; i++) {
                    y[base + i] = x[base + i] * scale + shift;
                }
            }
        });
    }

    static void backward(float[] x, float[] gy, int n, int c, int spatial, float[] mean, float[] invStd,
                         float[] gamma, boolean batchStatistics, float[] gx, float[] gGamma, float[] gBeta) {
        long m = (long) n * spatial;
        Parallel.range(c, 1, (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                float mu = mean[ch];
                float is = invStd[ch];
                double[] sums = new double[2]; // Σ gy, Σ gy·(x − μ)
                for (int b = 0; b < n; b++) {
                    int base = (b * c + ch) * spatial;
                    Sums.sumAndCenteredDot(gy, x, base, base + spatial, mu, sums);
                }
                double sumG = sums[0];
                double sumGX = sums[1] * is;
                if (gGamma != null) {
                    gGamma[ch] = (float) sumGX;
                }
                if (gBeta != null) {
                    gBeta[ch] = (float) sumG;
                }
                if (gx == null) {
                    continue;
                }
                float k = gamma[ch] * is;
                float meanG = (float) (sumG / m);
                float meanGX = (float) (sumGX / m);
                for (int b = 0; b < n; b++) {
                    int base = (b * c + ch) * spatial;
                    if (batchStatistics) {
                        for (int i = 0; i < spatial; i++) {
                            float xhat = (x[base + i] - mu) * is;
                            gx[base + i] = k * (gy[base + i] - meanG - xhat * meanGX);
                        }
                    } else {
                        for (int i = 0; i < spatial; i++) {
                            gx[base + i] = k * gy[base + i];
                        }
                    }
                }
            }
        });
    }
}
