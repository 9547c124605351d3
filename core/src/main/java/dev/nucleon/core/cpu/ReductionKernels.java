package dev.nucleon.core.cpu;

import dev.nucleon.core.backend.ReduceOp;

/** CPU reductions: sum/max to a kept shape, softmax over an axis, negative log-likelihood. */
final class ReductionKernels {

    private ReductionKernels() {
    }

    /**
     * Reduces x to outShape (same rank, 1 on reduced axes). Sums accumulate in double. A full reduction
     * runs as per-thread partial sums; other shapes walk x once, row by row, adding into the kept cell.
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
        long colStride = outStrides[rank - 1];
        double[] acc = new double[out.length];
        if (op == ReduceOp.MAX) {
            java.util.Arrays.fill(acc, Double.NEGATIVE_INFINITY);
        }
        int[] index = new int[rank];
        for (int row = 0; row < rows; row++) {
            int r = row;
            long oi = 0;
            for (int d = rank - 2; d >= 0; d--) {
                index[d] = r % xShape[d];
                r /= xShape[d];
                oi += index[d] * outStrides[d];
            }
            int xi = row * cols;
            if (colStride == 0) { // reducing along the row
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
                    for (int j = 0; j < cols; j++) acc[o + j] += x[xi + j];
                } else {
                    for (int j = 0; j < cols; j++) acc[o + j] = Math.max(acc[o + j], x[xi + j]);
                }
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) acc[i];
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
