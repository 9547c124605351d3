package dev.nucleon.core.cpu;

/** CPU layout kernels: axis permutation and box copies. */
final class LayoutKernels {

    private LayoutKernels() {
    }

    /** y's axis d is x's axis perm[d]; walks y in order, x with permuted strides. */
    static void permute(float[] x, int[] xShape, int[] perm, float[] y) {
        int rank = xShape.length;
        if (rank == 0) {
            y[0] = x[0];
            return;
        }
        long[] xStrides = dev.nucleon.core.Shape.strides(xShape);
        int[] yShape = new int[rank];
        long[] srcStride = new long[rank];
        for (int d = 0; d < rank; d++) {
            yShape[d] = xShape[perm[d]];
            srcStride[d] = xStrides[perm[d]];
        }
        int cols = yShape[rank - 1];
        int rows = y.length / Math.max(1, cols);
        long colStride = srcStride[rank - 1];
        Parallel.range(rows, Math.max(1, Elementwise.GRAIN / Math.max(1, cols)), (from, to) -> {
            for (int row = from; row < to; row++) {
                int r = row;
                long src = 0;
                for (int d = rank - 2; d >= 0; d--) {
                    src += (r % yShape[d]) * srcStride[d];
                    r /= yShape[d];
                }
                int o = row * cols;
                for (int j = 0; j < cols; j++) {
                    y[o + j] = x[(int) (src + j * colStride)];
                }
            }
        });
    }

    /** Copies (or adds) the box {@code region} from src at srcStart to dst at dstStart, a row at a time. */
    static void copyRegion(float[] src, int[] srcShape, int[] srcStart, float[] dst, int[] dstShape,
                           int[] dstStart, int[] region, boolean accumulate) {
        int rank = region.length;
        if (rank == 0) {
            dst[0] = accumulate ? dst[0] + src[0] : src[0];
            return;
        }
        long[] ss = dev.nucleon.core.Shape.strides(srcShape);
        long[] ds = dev.nucleon.core.Shape.strides(dstShape);
        // the region's rows: its last axis, joined with every axis before it along which the trailing axes are
        // whole in both tensors (a channel slice of (N, C, H, W) is N rows of C'·H·W floats, not N·C'·H rows of W)
        int inner = rank - 1;
        long joined = region[rank - 1];
        while (inner > 0 && region[inner] == srcShape[inner] && region[inner] == dstShape[inner]) {
            inner--;
            joined *= region[inner];
        }
        if (joined > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("copyRegion: " + joined + " floats in one row");
        }
        int cols = (int) joined;
        int first = inner; // axes [first, rank) form a row; srcStart/dstStart are 0 on the whole axes after it
        int rows = dev.nucleon.core.Shape.product(region, 0, first);
        if (cols == 0 || rows == 0) {
            return;
        }
        Parallel.range(rows, Math.max(1, Elementwise.GRAIN / cols), (from, to) -> {
            for (int row = from; row < to; row++) {
                int r = row;
                long s = srcStart[first] * ss[first];
                long d = dstStart[first] * ds[first];
                for (int ax = first - 1; ax >= 0; ax--) {
                    int i = r % region[ax];
                    r /= region[ax];
                    s += (srcStart[ax] + i) * ss[ax];
                    d += (dstStart[ax] + i) * ds[ax];
                }
                if (accumulate) {
                    for (int j = 0; j < cols; j++) {
                        dst[(int) d + j] += src[(int) s + j];
                    }
                } else {
                    System.arraycopy(src, (int) s, dst, (int) d, cols);
                }
            }
        });
    }
}
