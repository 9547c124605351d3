package dev.nucleon.core.composed;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Storage;

/**
 * One kernel tap of a 2-D window sweep (convolution or pooling) as a strided copy. For the tap at offset
 * (offH, offW) inside the window, output position (oy, ox) reads input row {@code oy·strideH + offH − padH} and
 * column {@code ox·strideW + offW − padW}; the outputs whose row and column fall inside the image form one box
 * {@code [oy0, oy1] × [ox0, ox1]}, copied with one {@link Backend#copyStrided} between x (N, C, H, W) and a
 * "columns" buffer addressed by (n, c, oy, ox) strides. Outputs outside the box read padding: the caller
 * pre-fills the columns with the padding value (0 for a convolution, −∞ for a max pooling).
 */
record Windows(int n, int channels, int height, int width, int outHeight, int outWidth,
               int strideH, int strideW, int padH, int padW) {

    /**
     * gather: columns[colsBase + (n, c, oy, ox)·colsStrides] = x[n, c, oy·sH + offH − pH, ox·sW + offW − pW];
     * scatter (the adjoint): x[…] += columns[…]. Within one tap each x element is hit at most once.
     */
    void tap(Backend b, boolean scatter, Storage x, int offH, int offW, Storage columns, long colsBase, long[] colsStrides) {
        int oy0 = Math.max(0, ceilDiv(padH - offH, strideH));
        int oy1 = Math.min(outHeight - 1, Math.floorDiv(height - 1 + padH - offH, strideH));
        int ox0 = Math.max(0, ceilDiv(padW - offW, strideW));
        int ox1 = Math.min(outWidth - 1, Math.floorDiv(width - 1 + padW - offW, strideW));
        if (oy1 < oy0 || ox1 < ox0) {
            return; // this tap reads only padding
        }
        int[] box = {n, channels, oy1 - oy0 + 1, ox1 - ox0 + 1};
        long xOffset = (long) (oy0 * strideH + offH - padH) * width + (ox0 * strideW + offW - padW);
        long[] xStrides = {(long) channels * height * width, (long) height * width, (long) strideH * width, strideW};
        long cOffset = colsBase + oy0 * colsStrides[2] + ox0 * colsStrides[3];
        if (scatter) {
            b.copyStrided(columns, cOffset, colsStrides, x, xOffset, xStrides, box, true);
        } else {
            b.copyStrided(x, xOffset, xStrides, columns, cOffset, colsStrides, box, false);
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
