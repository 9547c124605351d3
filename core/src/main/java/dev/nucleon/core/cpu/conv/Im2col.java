package dev.nucleon.core.cpu.conv;

import dev.nucleon.core.backend.ConvGeometry;

/**
 * The im2col unfolding of one convolution group, one row at a time, and its adjoint (col2im).
 *
 * <p>For one image and one group, the im2col matrix has {@code K = C_in/groups · kH · kW} rows and
 * {@code P = H_out · W_out} columns:
 * <pre>
 *   col[(ci·kH + kh)·kW + kw][oh·W_out + ow] = x[ci][oh·strideH − padH + kh·dilationH][ow·strideW − padW + kw·dilationW]
 * </pre>
 * (zero where the index falls in the padding), so that the convolution of the group is the matrix product
 * {@code y_g = W_g · col} with {@code W_g} the group's weights as a {@code (C_out/groups) × K} matrix.
 * Backward data is the adjoint: {@code gx_g = col2im(W_gᵀ · gy_g)}, where col2im adds every column entry
 * back onto the input pixel it was copied from.
 *
 * <p>The kernels never hold the whole matrix (it is kH·kW times larger than the image); they ask for
 * pieces of rows: {@link #gatherRow} fills {@code col[row][q0 .. q0+count)} and {@link #scatterAddRow} adds
 * such a piece back. A piece is walked one output row at a time; within an output row the valid input
 * columns form one contiguous index range, so the work is a zero fill, a copy (an {@code arraycopy} for
 * stride 1) and another zero fill.
 */
final class Im2col {

    private final int height;
    private final int width;
    private final int outWidth;
    private final int kernelH;
    private final int kernelW;
    private final int strideH;
    private final int strideW;
    private final int padH;
    private final int padW;
    private final int dilationH;
    private final int dilationW;

    Im2col(ConvGeometry g) {
        this.height = g.height();
        this.width = g.width();
        this.outWidth = g.outWidth();
        this.kernelH = g.kernelH();
        this.kernelW = g.kernelW();
        this.strideH = g.strideH();
        this.strideW = g.strideW();
        this.padH = g.padH();
        this.padW = g.padW();
        this.dilationH = g.dilationH();
        this.dilationW = g.dilationW();
    }

    /**
     * {@code out[outOffset + t] = col[row][q0 + t]} for {@code t < count}, reading the group's input
     * channels from {@code x} starting at {@code xOffset} (channel ci's plane at {@code xOffset + ci·H·W}).
     */
    void gatherRow(float[] x, int xOffset, int row, int q0, int count, float[] out, int outOffset) {
        int kk = kernelH * kernelW;
        int ci = row / kk;
        int kh = (row - ci * kk) / kernelW;
        int kw = row - ci * kk - kh * kernelW;
        int plane = xOffset + ci * height * width;
        int oh = q0 / outWidth;
        int ow = q0 - oh * outWidth;
        for (int done = 0; done < count; oh++, ow = 0) {
            int run = Math.min(count - done, outWidth - ow);
            int d = outOffset + done;
            int ih = oh * strideH - padH + kh * dilationH;
            if (ih < 0 || ih >= height) {
                zero(out, d, run);
            } else {
                int iw0 = ow * strideW - padW + kw * dilationW;
                int lo = firstValid(iw0, run);
                int hi = endValid(iw0, run, lo);
                zero(out, d, lo);
                int src = plane + ih * width + iw0;
                if (strideW == 1) {
                    System.arraycopy(x, src + lo, out, d + lo, hi - lo);
                } else {
                    for (int t = lo; t < hi; t++) {
                        out[d + t] = x[src + t * strideW];
                    }
                }
                zero(out, d + hi, run - hi);
            }
            done += run;
        }
    }

    /**
     * The adjoint of {@link #gatherRow}: {@code gx[pixel of col[row][q0 + t]] += in[inOffset + t]} for
     * {@code t < count}; entries that came from padding are dropped.
     */
    void scatterAddRow(float[] in, int inOffset, int row, int q0, int count, float[] gx, int gxOffset) {
        int kk = kernelH * kernelW;
        int ci = row / kk;
        int kh = (row - ci * kk) / kernelW;
        int kw = row - ci * kk - kh * kernelW;
        int plane = gxOffset + ci * height * width;
        int oh = q0 / outWidth;
        int ow = q0 - oh * outWidth;
        for (int done = 0; done < count; oh++, ow = 0) {
            int run = Math.min(count - done, outWidth - ow);
            int ih = oh * strideH - padH + kh * dilationH;
            if (ih >= 0 && ih < height) {
                int iw0 = ow * strideW - padW + kw * dilationW;
                int lo = firstValid(iw0, run);
                int hi = endValid(iw0, run, lo);
                int dst = plane + ih * width + iw0;
                int s = inOffset + done;
                for (int t = lo; t < hi; t++) {
                    gx[dst + t * strideW] += in[s + t];
                }
            }
            done += run;
        }
    }

    /** A plain loop: the runs are mostly 0–2 long (the padding columns), where Arrays.fill's call costs more. */
    private static void zero(float[] a, int from, int length) {
        for (int i = 0; i < length; i++) {
            a[from + i] = 0f;
        }
    }

    /** Smallest t in [0, run] with {@code iw0 + t·strideW >= 0}. */
    private int firstValid(int iw0, int run) {
        return iw0 >= 0 ? 0 : Math.min(run, (-iw0 + strideW - 1) / strideW);
    }

    /** One past the largest t in [lo, run) with {@code iw0 + t·strideW < W}, or lo when there is none. */
    private int endValid(int iw0, int run, int lo) {
        if (iw0 >= width) {
            return lo;
        }
        return Math.max(lo, Math.min(run, (width - 1 - iw0) / strideW + 1));
    }
}
