package dev.nucleon.cuda;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Shape and stride tables as the kernels take them: by value, as the structs {@code Shape} and
 * {@code Walk2} of common.cuh (an {@code int[]} of {@link #SHAPE_INTS} or {@link #WALK2_INTS} ints).
 *
 * <p>Before a table is built, {@link #coalesce} drops axes of size 1 and merges neighbouring axes that
 * every operand walks contiguously (the index arithmetic then has fewer divisions, and tensors of rank
 * above {@link #MAX_RANK} still run when their axes merge below it).
 */
final class ShapeTables {

    /** MAX_RANK of common.cuh. */
    static final int MAX_RANK = 8;
    /** {@code struct Shape { int rank; int size[8]; int stride[8]; }}. */
    static final int SHAPE_INTS = 1 + 2 * MAX_RANK;
    /** {@code struct Walk2 { int rank; int size[8]; int stride0[8]; int stride1[8]; }}. */
    static final int WALK2_INTS = 1 + 3 * MAX_RANK;

    static final Kernel.Param SHAPE = Kernel.Param.struct(SHAPE_INTS);
    static final Kernel.Param WALK2 = Kernel.Param.struct(WALK2_INTS);

    private ShapeTables() {
    }

    /** An index space (sizes, row-major) and the element strides each operand walks it with. */
    record Dims(int[] sizes, long[][] strides) {
        int rank() {
            return sizes.length;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(Arrays.toString(sizes));
            for (long[] s : strides) {
                b.append(' ').append(Arrays.toString(s));
            }
            return b.toString();
        }
    }

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
     * The same walk with fewer axes: size-1 axes dropped, and axis d merged into axis d + 1 when every
     * operand's stride satisfies {@code stride[d] == stride[d + 1] · size[d + 1]} (a row-major index over
     * the merged sizes then lands on the same elements). A merged size stays within an int.
     */
    static Dims coalesce(int[] sizes, long[]... strides) {
        Deque<Integer> outSizes = new ArrayDeque<>();
        Deque<long[]> outStrides = new ArrayDeque<>(); // per axis: one stride per operand
        long size = 0;
        long[] inner = null;
        for (int d = sizes.length - 1; d >= 0; d--) {
            if (sizes[d] == 1) {
                continue;
            }
            long[] here = new long[strides.length];
            for (int k = 0; k < strides.length; k++) {
                here[k] = strides[k][d];
            }
            if (inner != null && mergeable(size, sizes[d], here, inner)) {
                size *= sizes[d];
                continue;
            }
            if (inner != null) {
                outSizes.addFirst((int) size);
                outStrides.addFirst(inner);
            }
            size = sizes[d];
            inner = here;
        }
        if (inner != null) {
            outSizes.addFirst((int) size);
            outStrides.addFirst(inner);
        }
        int rank = outSizes.size();
        int[] s = outSizes.stream().mapToInt(Integer::intValue).toArray();
        long[][] t = new long[strides.length][rank];
        int d = 0;
        for (long[] axis : outStrides) {
            for (int k = 0; k < strides.length; k++) {
                t[k][d] = axis[k];
            }
            d++;
        }
        return new Dims(s, t);
    }

    private static boolean mergeable(long innerSize, int outerSize, long[] outer, long[] inner) {
        if (innerSize * outerSize > Integer.MAX_VALUE) {
            return false;
        }
        for (int k = 0; k < outer.length; k++) {
            if (outer[k] != inner[k] * innerSize) {
                return false;
            }
        }
        return true;
    }

    /** {@code struct Shape} of an index space and one stride table. */
    static int[] shape(String op, int[] sizes, long[] strides) {
        int[] table = new int[SHAPE_INTS];
        fill(op, table, sizes, strides);
        return table;
    }

    /** {@code struct Walk2} of a two-operand walk ({@code dims.strides()} has exactly two tables). */
    static int[] walk2(String op, Dims dims) {
        int[] table = new int[WALK2_INTS];
        fill(op, table, dims.sizes(), dims.strides()[0], dims.strides()[1]);
        return table;
    }

    private static void fill(String op, int[] table, int[] sizes, long[]... strides) {
        int rank = sizes.length;
        if (rank > MAX_RANK) {
            throw new IllegalArgumentException("cuda: " + op + ": " + rank + " axes remain after merging contiguous ones "
                    + Arrays.toString(sizes) + "; the kernels take at most " + MAX_RANK);
        }
        table[0] = rank;
        for (int d = 0; d < rank; d++) {
            table[1 + d] = sizes[d];
            for (int k = 0; k < strides.length; k++) {
                long stride = strides[k][d];
                if (stride > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("cuda: " + op + ": stride " + stride + " of axis " + d
                            + " does not fit the kernels' 32-bit stride tables");
                }
                table[1 + (k + 1) * MAX_RANK + d] = (int) stride;
            }
        }
    }
}
