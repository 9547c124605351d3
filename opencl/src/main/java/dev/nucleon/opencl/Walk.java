package dev.nucleon.opencl;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * An index space and the element strides two tensors walk it with, as the kernels take it: the struct {@code Walk}
 * of common.cl, passed by value as {@link #TABLE_LONGS} longs ({@code rank, size[8], stride0[8], stride1[8]}).
 *
 * <p>{@link #of} first drops axes of size 1 and merges neighbouring axes that both tensors walk contiguously, so
 * the kernels divide less and tensors of rank above {@link #MAX_RANK} still run when their axes merge below it.
 * Strides are 64-bit: tensors above 2³¹ elements index correctly.
 *
 * @param sizes   the merged sizes, row-major (last axis fastest)
 * @param stride0 the first tensor's strides per merged axis, in floats
 * @param stride1 the second tensor's strides per merged axis, in floats
 */
record Walk(long[] sizes, long[] stride0, long[] stride1) {

    /** MAX_RANK of common.cl. */
    static final int MAX_RANK = 8;
    /** Longs in {@code struct Walk}. */
    static final int TABLE_LONGS = 1 + 3 * MAX_RANK;

    /** Row-major strides of a contiguous tensor. */
    static long[] contiguous(int[] shape) {
        long[] strides = new long[shape.length];
        long acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = acc;
            acc *= shape[d];
        }
        return strides;
    }

    /** Strides of a contiguous operand of {@code shape} walked over {@code outShape}'s index space: 0 where it broadcasts. */
    static long[] broadcast(int[] shape, int[] outShape) {
        long[] strides = contiguous(shape);
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1 && outShape[d] != 1) {
                strides[d] = 0;
            }
        }
        return strides;
    }

    /**
     * The walk over {@code sizes} with fewer axes: size-1 axes dropped, axis d merged into axis d + 1 when both
     * tensors' strides satisfy {@code stride[d] == stride[d + 1] · size[d + 1]}.
     */
    static Walk of(int[] sizes, long[] stride0, long[] stride1) {
        Deque<long[]> axes = new ArrayDeque<>(); // {size, stride0, stride1}, outermost first
        long[] inner = null;
        for (int d = sizes.length - 1; d >= 0; d--) {
            if (sizes[d] == 1) {
                continue;
            }
            if (inner != null && stride0[d] == inner[1] * inner[0] && stride1[d] == inner[2] * inner[0]) {
                inner[0] *= sizes[d];
                continue;
            }
            inner = new long[] {sizes[d], stride0[d], stride1[d]};
            axes.addFirst(inner);
        }
        int rank = axes.size();
        long[] s = new long[rank];
        long[] t0 = new long[rank];
        long[] t1 = new long[rank];
        int d = 0;
        for (long[] axis : axes) {
            s[d] = axis[0];
            t0[d] = axis[1];
            t1[d] = axis[2];
            d++;
        }
        return new Walk(s, t0, t1);
    }

    /** {@return the number of positions in the index space (1 for rank 0)} */
    long count() {
        long n = 1;
        for (long s : sizes) {
            n *= s;
        }
        return n;
    }

    /**
     * {@return the {@code struct Walk} the kernels read}
     *
     * @param op the op's name, for the error when more than {@link #MAX_RANK} axes remain
     */
    long[] table(String op) {
        int rank = sizes.length;
        if (rank > MAX_RANK) {
            throw new IllegalArgumentException("opencl: " + op + ": " + rank + " axes remain after merging contiguous ones "
                    + Arrays.toString(sizes) + "; the kernels take at most " + MAX_RANK);
        }
        long[] table = new long[TABLE_LONGS];
        table[0] = rank;
        System.arraycopy(sizes, 0, table, 1, rank);
        System.arraycopy(stride0, 0, table, 1 + MAX_RANK, rank);
        System.arraycopy(stride1, 0, table, 1 + 2 * MAX_RANK, rank);
        return table;
    }
}
