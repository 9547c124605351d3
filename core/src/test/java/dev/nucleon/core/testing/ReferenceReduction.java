package dev.nucleon.core.testing;

/** Double-precision sum, mean and max over chosen axes, by visiting every element once. */
public final class ReferenceReduction {

    private ReferenceReduction() {
    }

    private static boolean[] reducedAxes(int rank, int[] dims) {
        boolean[] r = new boolean[rank];
        for (int d : dims) {
            r[NdIndex.axis(d, rank)] = true;
        }
        return r;
    }

    /** The output shape: reduced axes kept as 1, or removed. */
    public static int[] shape(int[] shape, int[] dims, boolean keepDim) {
        boolean[] r = reducedAxes(shape.length, dims);
        int kept = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!r[d] || keepDim) {
                kept++;
            }
        }
        int[] out = new int[kept];
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (!r[d]) {
                out[j++] = shape[d];
            } else if (keepDim) {
                out[j++] = 1;
            }
        }
        return out;
    }

    /** All axes of a tensor of this rank. */
    public static int[] all(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Flat output offset (same for keepDim or not) of input element {@code idx}. */
    private static int target(int[] idx, int[] shape, boolean[] reduced) {
        int o = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!reduced[d]) {
                o = o * shape[d] + idx[d];
            }
        }
        return o;
    }

    public static double[] sum(double[] x, int[] shape, int[] dims) {
        boolean[] r = reducedAxes(shape.length, dims);
        double[] out = new double[NdIndex.numel(shape(shape, dims, false))];
        for (int i = 0; i < x.length; i++) {
            out[target(NdIndex.unravel(i, shape), shape, r)] += x[i];
        }
        return out;
    }

    public static double[] mean(double[] x, int[] shape, int[] dims) {
        double[] s = sum(x, shape, dims);
        double count = (double) x.length / s.length;
        for (int i = 0; i < s.length; i++) {
            s[i] /= count;
        }
        return s;
    }

    public static double[] max(double[] x, int[] shape, int[] dims) {
        boolean[] r = reducedAxes(shape.length, dims);
        double[] out = new double[NdIndex.numel(shape(shape, dims, false))];
        java.util.Arrays.fill(out, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < x.length; i++) {
            int o = target(NdIndex.unravel(i, shape), shape, r);
            out[o] = Math.max(out[o], x[i]);
        }
        return out;
    }
}
