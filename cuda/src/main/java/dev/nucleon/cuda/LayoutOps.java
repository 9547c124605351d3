package dev.nucleon.cuda;

import java.util.List;

import static dev.nucleon.cuda.Kernel.Param.I32;
import static dev.nucleon.cuda.Kernel.Param.I64;
import static dev.nucleon.cuda.Kernel.Param.PTR;

/** Launches the kernels of {@code layout.cu}: permute and the box copy behind slicing, padding and concatenation. */
final class LayoutOps {

    static final Kernel PERMUTE = Kernel.of("layout", "permute", ShapeTables.SHAPE, PTR, PTR, I64);
    static final Kernel COPY_REGION = Kernel.of("layout", "copy_region", ShapeTables.WALK2, PTR, I64, PTR, I64, I64, I32);

    /** Every kernel this class launches (KernelBinariesTest checks them against the binaries). */
    static final List<Kernel> KERNELS = List.of(PERMUTE, COPY_REGION);

    private final CudaContext context;

    LayoutOps(CudaContext context) {
        this.context = context;
    }

    /** The walk of y's index space that permute reads x with: y's sizes, x's strides taken in y's axis order. */
    static int[] permuteTable(int[] xShape, int[] perm) {
        int rank = xShape.length;
        long[] xStrides = ShapeTables.contiguous(xShape);
        int[] yShape = new int[rank];
        long[] source = new long[rank];
        for (int d = 0; d < rank; d++) {
            yShape[d] = xShape[perm[d]];
            source[d] = xStrides[perm[d]];
        }
        ShapeTables.Dims dims = ShapeTables.coalesce(yShape, source); // y is written in order, so any merge suits it
        return ShapeTables.shape("permute", dims.sizes(), dims.strides()[0]);
    }

    void permute(CudaStorage x, int[] xShape, int[] perm, CudaStorage y) {
        long n = x.size();
        if (n > 0) {
            PERMUTE.launch(context, Grid.linear(n), permuteTable(xShape, perm), x, y, n);
        }
    }

    void copyRegion(CudaStorage src, int[] srcShape, int[] srcStart, CudaStorage dst, int[] dstShape, int[] dstStart,
                    int[] region, boolean accumulate) {
        long n = dev.nucleon.core.Shape.numel(region);
        if (n == 0) {
            return;
        }
        long[] srcStrides = ShapeTables.contiguous(srcShape);
        long[] dstStrides = ShapeTables.contiguous(dstShape);
        long srcBase = 0;
        long dstBase = 0;
        for (int d = 0; d < region.length; d++) {
            srcBase += srcStart[d] * srcStrides[d];
            dstBase += dstStart[d] * dstStrides[d];
        }
        int[] box = ShapeTables.walk2("copyRegion", ShapeTables.coalesce(region, srcStrides, dstStrides));
        COPY_REGION.launch(context, Grid.linear(n), box, src, srcBase, dst, dstBase, n, accumulate ? 1 : 0);
    }
}
