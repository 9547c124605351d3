package dev.nucleon.cuda;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Shape and stride tables as the kernels take them: by value, as the structs {@code Shape} and
 * {@code Walk2} of common.cuh (an {@code int[]} of {@link #SHAPE_INTS} or {@link #WALK2_INTS} ints).
 * Strides are 64-bit (two ints each, low word first, as a little-endian {@code long long}), so a tensor above
 * 2³¹ elements is walked correctly; sizes are ints, and {@link #coalesce} merges axes only while the merged
 * size stays below 2³¹.
 *
 * <p>Layout of {@code struct Shape} (104 bytes): {@code long long stride[8]} (ints 0–15), {@code int size[8]}
 * (16–23), {@code int rank} (24), {@code int unused} (25). {@code struct Walk2} (168 bytes): {@code stride0[8]}
 * (0–15), {@code stride1[8]} (16–31), {@code size[8]} (32–39), {@code rank} (40), {@code unused} (41).
 *
 * <p>Before a table is built, {@link #coalesce} drops axes of size 1 and merges neighbouring axes that
 * every operand walks contiguously (the index arithmetic then has fewer divisions, and tensors of rank
 * above {@link #MAX_RANK} still run when their axes merge below it).
 */
final class ShapeTables {

    /** MAX_RANK of common.cuh. */
    static final int MAX_RANK = 8;
    /** {@code struct Shape { long long stride[8]; int size[8]; int rank; int unused; }}. */
    static final int SHAPE_INTS = 2 * MAX_RANK + MAX_RANK + 2;
    /** {@code struct Walk2 { long long stride0[8]; long long stride1[8]; int size[8]; int rank; int unused; }}. */
    static final int WALK2_INTS = 2 * 2 * MAX_RANK + MAX_RANK + 2;

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
        int sizeAt = strides.length * 2 * MAX_RANK;
        table[sizeAt + MAX_RANK] = rank;
        for (int d = 0; d < rank; d++) {
            table[sizeAt + d] = sizes[d];
            for (int k = 0; k < strides.length; k++) {
                long stride = strides[k][d];
                int at = (k * MAX_RANK + d) * 2;
                table[at] = (int) stride;               // low word
                table[at + 1] = (int) (stride >>> 32);  // high word
            }
        }
    }

    /** The rank a table holds ({@code operands}: 1 for a Shape, 2 for a Walk2). */
    static int rank(int[] table, int operands) {
        return table[operands * 2 * MAX_RANK + MAX_RANK];
    }

    /** Size of axis d in a table. */
    static int size(int[] table, int operands, int d) {
        return table[operands * 2 * MAX_RANK + d];
    }

    /** Stride of operand k along axis d in a table, as the kernel reads the {@code long long}. */
    static long stride(int[] table, int k, int d) {
        int at = (k * MAX_RANK + d) * 2;
        return (table[at] & 0xffffffffL) | ((long) table[at + 1] << 32);
    }
}
