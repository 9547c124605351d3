package dev.nucleon.core;

import java.util.Arrays;

/**
 * Shape arithmetic shared by the ops: element counts, broadcasting, axis normalisation and printing.
 * A shape is an {@code int[]} of non-negative sizes, outermost first; rank 0 is a scalar.
 */
public final class Shape {

    private Shape() {
    }

    /**
     * {@return product of the sizes (1 for a scalar)}
     *
     * @param shape the sizes
     */
    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * {@return product of {@code shape[from .. to)}}
     *
     * @param shape the sizes
     * @param from  the first axis, included
     * @param to    the last axis, excluded
     */
    public static int product(int[] shape, int from, int to) {
        long n = 1;
        for (int d = from; d < to; d++) {
            n *= shape[d];
        }
        return Math.toIntExact(n);
    }

    /**
     * Checks that no size is negative and that the element count fits in an int-indexed buffer.
     *
     * @param op    the op's name, for the message
     * @param shape the sizes
     * @return a copy of {@code shape}
     * @throws IllegalArgumentException when a size is negative or the shape is too large
     */
    public static int[] validate(String op, int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative size in shape " + str(shape));
            }
        }
        if (numel(shape) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(op + ": shape " + str(shape) + " has " + numel(shape)
                    + " elements, more than one buffer can hold (" + (Integer.MAX_VALUE - 8) + ")");
        }
        return shape.clone();
    }

    /**
     * Maps a possibly negative axis ({@code -1} = last) into {@code [0, rank)}.
     *
     * @param op   the op's name, for the message
     * @param axis the axis, −rank ≤ axis &lt; rank
     * @param rank the tensor's rank
     * @return the axis in [0, rank)
     * @throws IllegalArgumentException when out of range
     */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": dim " + axis + " out of range for a tensor of rank " + rank);
        }
        return a;
    }

    /**
     * {@return the shape padded with leading 1s to {@code rank}}
     *
     * @param shape the sizes
     * @param rank  the wanted rank, ≥ shape.length
     */
    public static int[] padLeft(int[] shape, int rank) {
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        System.arraycopy(shape, 0, out, rank - shape.length, shape.length);
        return out;
    }

    /**
     * {@return NumPy broadcasting of two shapes; the message names the op and the first clashing dim}
     *
     * @param op the op's name, for the message
     * @param a  one shape
     * @param b  the other
     * @throws IllegalArgumentException when the shapes do not broadcast
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] pa = padLeft(a, rank);
        int[] pb = padLeft(b, rank);
        int[] out = new int[rank];
        for (int d = 0; d < rank; d++) {
            if (pa[d] == pb[d] || pb[d] == 1) {
                out[d] = pa[d];
            } else if (pa[d] == 1) {
                out[d] = pb[d];
            } else {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast (dim " + (d - rank) + ": " + pa[d] + " vs " + pb[d] + ")");
            }
        }
        return out;
    }

    /**
     * {@return row-major strides of a contiguous tensor}
     *
     * @param shape the sizes
     */
    public static long[] strides(int[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    /**
     * {@return the shape as text, e.g. {@code [2, 3, 4]}}
     *
     * @param shape the sizes
     */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
