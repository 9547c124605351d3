package dev.nucleon.core.cpu;

import dev.nucleon.core.backend.ReduceOp;

/** CPU reductions: sum/max to a kept shape, softmax over an axis, negative log-likelihood. */
final class ReductionKernels {

    private ReductionKernels() {
    }

    /**
     * Reduces x to outShape (same rank, 1 on reduced axes). Sums accumulate in double. A full reduction
     * runs as per-thread partial sums; other shapes walk x row by row, adding into the kept cell.
     *
     * <p>Threads split the kept cells, not the rows: each thread walks every row but adds only into its own
     * cells (its own columns, when the last axis is kept), so every cell sees its rows in the same order as
     * on one thread and the result does not depend on the thread count. (A bias gradient, a sum over N, H and
     * W of an activation, used to take a millisecond per layer on the calling thread alone.)
     */
    static void reduce(ReduceOp op, float[] x, int[] xShape, float[] out, int[] outShape) {
        int rank = xShape.length;
        if (out.length == 1) {
            out[0] = op == ReduceOp.SUM ? (float) sumAll(x) : maxAll(x);
            return;
        }
        long[] outStrides = Elementwise.broadcastStrides(outShape, xShape);
        int cols = xShape[rank - 1];
        int rows = x.length / Math.max(1, cols);
        boolean alongRows = outStrides[rank - 1] == 0; // the last axis is reduced: a row adds into one cell
        // split the cells (or the columns) into one part per thread, when there is enough work
        int parts = x.length < 2 * Elementwise.GRAIN ? 1 : Math.min(Parallel.threads(), alongRows ? out.length : cols);
        Parallel.range(parts, 1, (fromPart, toPart) -> {
            for (int part = fromPart; part < toPart; part++) {
                int range = alongRows ? out.length : cols;
                int lo = (int) ((long) range * part / parts);
                int hi = (int) ((long) range * (part + 1) / parts);
                reduceRows(op, x, xShape, outStrides, rows, cols, alongRows, lo, hi, out);
            }
        });
    }

    /**
     * One thread's part of {@link #reduce}: every row of x, accumulated into the cells [lo, hi) (alongRows) or
     * into the columns [lo, hi) of each row's cells (the last axis kept), then written to out.
     */
    private static void reduceRows(ReduceOp op, float[] x, int[] xShape, long[] outStrides, int rows, int cols,
                                   boolean alongRows, int lo, int hi, float[] out) {
        int rank = xShape.length;
        double[] acc = new double[out.length];
        if (op == ReduceOp.MAX) {
            java.util.Arrays.fill(acc, Double.NEGATIVE_INFINITY);
        }
        for (int row = 0; row < rows; row++) {
            int r = row;
            long oi = 0;
            for (int d = rank - 2; d >= 0; d--) {
                oi += (r % xShape[d]) * outStrides[d];
                r /= xShape[d];
            }
            int xi = row * cols;
            if (alongRows) {
                if (oi < lo || oi >= hi) {
                    continue;
                }
                if (op == ReduceOp.SUM) {
                    acc[(int) oi] += Sums.sum(x, xi, xi + cols);
                } else {
                    double m = acc[(int) oi];
                    for (int j = 0; j < cols; j++) m = Math.max(m, x[xi + j]);
                    acc[(int) oi] = m;
                }
            } else {
                int o = (int) oi;
                if (op == ReduceOp.SUM) {
                    for (int j = lo; j < hi; j++) acc[o + j] += x[xi + j];
                } else {
                    for (int j = lo; j < hi; j++) acc[o + j] = Math.max(acc[o + j], x[xi + j]);
                }
            }
        }
        if (alongRows) {
            for (int i = lo; i < hi; i++) {
                out[i] = (float) acc[i];
            }
        } else {
            // the cells this part wrote: column j of every kept row; outStrides of the last axis is 1 here
            for (int i = 0; i < out.length; i += cols) {
                for (int j = lo; j < hi; j++) {
                    out[i + j] = (float) acc[i + j];
                }
            }
        }
    }

    private static double sumAll(float[] x) {
        int threads = Parallel.threads();
        double[] partial = new double[threads];
        int chunk = (x.length + threads - 1) / threads;
        Parallel.range(threads, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                int start = Math.min(x.length, t * chunk);
                partial[t] = Sums.sum(x, start, Math.min(x.length, start + chunk));
            }
        });
        double s = 0;
        for (double p : partial) {
            s += p;
        }
        return s;
    }

    private static float maxAll(float[] x) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            m = Math.max(m, v);
        }
        return m;
    }

    static void softmax(float[] x, float[] y, int outer, int dim, int inner, boolean log) {
        Parallel.range(outer * inner, Math.max(1, Elementwise.GRAIN / Math.max(1, dim)), (from, to) -> {
            for (int line = from; line < to; line++) {
                int base = (line / inner) * dim * inner + line % inner;
                float max = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < dim; k++) {
                    max = Math.max(max, x[base + k * inner]);
                }
                double sum = 0;
                for (int k = 0; k < dim; k++) {
                    sum += Math.exp(x[base + k * inner] - max);
                }
                if (log) {
                    float logSum = (float) Math.log(sum) + max;
                    for (int k = 0; k < dim; k++) {
                        y[base + k * inner] = x[base + k * inner] - logSum;
                    }
                } else {
                    for (int k = 0; k < dim; k++) {
                        y[base + k * inner] = (float) (Math.exp(x[base + k * inner] - max) / sum);
                    }
                }
            }
        });
    }

    static void softmaxBackward(float[] y, float[] gy, float[] gx, int outer, int dim, int inner, boolean log) {
        Parallel.range(outer * inner, Math.max(1, Elementwise.GRAIN / Math.max(1, dim)), (from, to) -> {
            for (int line = from; line < to; line++) {
                int base = (line / inner) * dim * inner + line % inner;
                double dot = 0;
                for (int k = 0; k < dim; k++) {
                    int i = base + k * inner;
                    dot += log ? gy[i] : gy[i] * y[i];
                }
                for (int k = 0; k < dim; k++) {
                    int i = base + k * inner;
                    gx[i] = log ? (float) (gy[i] - Math.exp(y[i]) * dot) : (float) (y[i] * (gy[i] - dot));
                }
            }
        });
    }

    static void nllLoss(float[] logp, float[] target, float[] loss, int outer, int classes, int inner) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int c = classIndex(target[o * inner + i], classes, o, i);
                loss[o * inner + i] = -logp[(o * classes + c) * inner + i];
            }
        }
    }

    static void nllLossBackward(float[] target, float[] gLoss, float[] gLogp, int outer, int classes, int inner) {
        java.util.Arrays.fill(gLogp, 0f);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int c = classIndex(target[o * inner + i], classes, o, i);
                gLogp[(o * classes + c) * inner + i] = -gLoss[o * inner + i];
            }
        }
    }

    private static int classIndex(float t, int classes, int o, int i) {
        int c = (int) t;
        if (c != t || c < 0 || c >= classes) {
            throw new IllegalArgumentException("cross_entropy: target at batch " + o + ", position " + i + " is " + t
                    + "; expected a class index in [0, " + classes + ")");
        }
        return c;
    }
}
