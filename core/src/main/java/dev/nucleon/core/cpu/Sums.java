package dev.nucleon.core.cpu;

/**
 * Sums of float runs accumulated in double. One accumulator makes every add wait for the previous one (a
 * 4-cycle dependency chain); four independent ones let the adds overlap, which measured about 3× faster on
 * long runs while keeping double precision.
 */
final class Sums {

    private Sums() {
    }

    /** Σ a[from .. to). */
    static double sum(float[] a, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < to; i++) {
            s0 += a[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ (a[i] − center)² over [from, to). */
    static double sumSquaredDeviations(float[] a, int from, int to, double center) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            double d0 = a[i] - center;
            double d1 = a[i + 1] - center;
            double d2 = a[i + 2] - center;
            double d3 = a[i + 3] - center;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < to; i++) {
            double d = a[i] - center;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ g[i] and Σ g[i]·(x[i] − center) over [from, to), as {sum, dot}. */
    static void sumAndCenteredDot(float[] g, float[] x, int from, int to, double center, double[] out) {
        // four independent chains per sum, as in sum(): with two, the adds' latency bounded the loop (batch-norm
        // backward's first pass ran at half the speed of its second)
        double g0 = 0;
        double g1 = 0;
        double g2 = 0;
        double g3 = 0;
        double d0 = 0;
        double d1 = 0;
        double d2 = 0;
        double d3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            g0 += g[i];
            g1 += g[i + 1];
            g2 += g[i + 2];
            g3 += g[i + 3];
            d0 += g[i] * (x[i] - center);
            d1 += g[i + 1] * (x[i + 1] - center);
            d2 += g[i + 2] * (x[i + 2] - center);
            d3 += g[i + 3] * (x[i + 3] - center);
        }
        for (; i < to; i++) {
            g0 += g[i];
            d0 += g[i] * (x[i] - center);
        }
        out[0] += (g0 + g1) + (g2 + g3);
        out[1] += (d0 + d1) + (d2 + d3);
    }
}
