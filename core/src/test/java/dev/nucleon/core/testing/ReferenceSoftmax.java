package dev.nucleon.core.testing;

/**
 * Double-precision softmax and log-softmax along one axis. The axis maximum is subtracted first so the
 * reference, too, stays finite for logits near float32's exp overflow (|x| ≈ 88).
 */
public final class ReferenceSoftmax {

    private ReferenceSoftmax() {
    }

    public static double[] softmax(double[] x, int[] shape, int dim) {
        return apply(x, shape, dim, false);
    }

    public static double[] logSoftmax(double[] x, int[] shape, int dim) {
        return apply(x, shape, dim, true);
    }

    private static double[] apply(double[] x, int[] shape, int dim, boolean log) {
        int a = NdIndex.axis(dim, shape.length);
        int stride = NdIndex.strides(shape)[a];
        int n = shape[a];
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            if (NdIndex.unravel(i, shape)[a] != 0) {
                continue; // each line along the axis is done from its first element
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < n; k++) {
                max = Math.max(max, x[i + k * stride]);
            }
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += Math.exp(x[i + k * stride] - max);
            }
            for (int k = 0; k < n; k++) {
                double v = x[i + k * stride];
                y[i + k * stride] = log ? v - max - Math.log(sum) : Math.exp(v - max) / sum;
            }
        }
        return y;
    }
}
