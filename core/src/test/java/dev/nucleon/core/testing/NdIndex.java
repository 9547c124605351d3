package dev.nucleon.core.testing;

import java.util.Arrays;

/**
 * Row-major index arithmetic for the double-precision references: element counts, strides, and
 * conversion between a flat offset and a full index. Deliberately naive; the references favour being
 * obviously right over being fast.
 */
public final class NdIndex {

    private NdIndex() {
    }

    /** Product of the sizes (1 for a scalar). */
    public static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Row-major strides. */
    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    /** The full index of flat offset {@code flat} in {@code shape}. */
    public static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** The flat offset of a full index. */
    public static int offset(int[] idx, int[] shape) {
        int o = 0;
        for (int d = 0; d < shape.length; d++) {
            o = o * shape[d] + idx[d];
        }
        return o;
    }

    /** A negative axis counted from the end, as the ops accept it. */
    public static int axis(int dim, int rank) {
        return dim < 0 ? dim + rank : dim;
    }

    public static String str(int[] idx) {
        return Arrays.toString(idx);
    }
}
