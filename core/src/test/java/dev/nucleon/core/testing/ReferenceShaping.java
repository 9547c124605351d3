package dev.nucleon.core.testing;

/**
 * Double-precision layout ops, element by element through full indices: permute, crop (slice), pad,
 * concatenation and broadcast-expansion. (Reshape needs no reference: it keeps the row-major data.)
 */
public final class ReferenceShaping {

    private ReferenceShaping() {
    }

    /** Output axis d is input axis perm[d] (negative entries count from the end). */
    public static double[] permute(double[] x, int[] shape, int[] perm) {
        int rank = shape.length;
        int[] outShape = permutedShape(shape, perm);
        double[] y = new double[x.length];
        for (int i = 0; i < y.length; i++) {
            int[] out = NdIndex.unravel(i, outShape);
            int[] in = new int[rank];
            for (int d = 0; d < rank; d++) {
                in[NdIndex.axis(perm[d], rank)] = out[d];
            }
            y[i] = x[NdIndex.offset(in, shape)];
        }
        return y;
    }

    public static int[] permutedShape(int[] shape, int[] perm) {
        int[] out = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            out[d] = shape[NdIndex.axis(perm[d], shape.length)];
        }
        return out;
    }

    /** The box of {@code size} at {@code start}. */
    public static double[] crop(double[] x, int[] shape, int[] start, int[] size) {
        double[] y = new double[NdIndex.numel(size)];
        for (int i = 0; i < y.length; i++) {
            int[] idx = NdIndex.unravel(i, size);
            for (int d = 0; d < idx.length; d++) {
                idx[d] += start[d];
            }
            y[i] = x[NdIndex.offset(idx, shape)];
        }
        return y;
    }

    public static int[] paddedShape(int[] shape, int[] before, int[] after) {
        int[] out = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            out[d] = shape[d] + before[d] + after[d];
        }
        return out;
    }

    public static double[] pad(double[] x, int[] shape, int[] before, int[] after, double value) {
        int[] outShape = paddedShape(shape, before, after);
        double[] y = new double[NdIndex.numel(outShape)];
        for (int i = 0; i < y.length; i++) {
            int[] idx = NdIndex.unravel(i, outShape);
            boolean inside = true;
            for (int d = 0; d < idx.length; d++) {
                idx[d] -= before[d];
                inside &= idx[d] >= 0 && idx[d] < shape[d];
            }
            y[i] = inside ? x[NdIndex.offset(idx, shape)] : value;
        }
        return y;
    }

    /** Concatenation along {@code dim}: output index i along dim reads the part whose range holds i. */
    public static double[] concat(double[][] parts, int[][] shapes, int dim) {
        int a = NdIndex.axis(dim, shapes[0].length);
        int[] outShape = concatShape(shapes, dim);
        double[] y = new double[NdIndex.numel(outShape)];
        for (int i = 0; i < y.length; i++) {
            int[] idx = NdIndex.unravel(i, outShape);
            int p = 0;
            while (idx[a] >= shapes[p][a]) {
                idx[a] -= shapes[p][a];
                p++;
            }
            y[i] = parts[p][NdIndex.offset(idx, shapes[p])];
        }
        return y;
    }

    public static int[] concatShape(int[][] shapes, int dim) {
        int a = NdIndex.axis(dim, shapes[0].length);
        int[] out = shapes[0].clone();
        out[a] = 0;
        for (int[] s : shapes) {
            out[a] += s[a];
        }
        return out;
    }

    /** x broadcast to {@code target}. */
    public static double[] expand(double[] x, int[] shape, int[] target) {
        double[] y = new double[NdIndex.numel(target)];
        for (int i = 0; i < y.length; i++) {
            y[i] = ReferenceElementwise.broadcastRead(x, shape, NdIndex.unravel(i, target));
        }
        return y;
    }
}
