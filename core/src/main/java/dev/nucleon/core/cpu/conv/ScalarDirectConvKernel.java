package dev.nucleon.core.cpu.conv;

import dev.nucleon.core.cpu.gemm.ScalarSgemmKernel;

/**
 * The plain-Java {@link DirectConvKernel} (for JVMs without {@code jdk.incubator.vector}): a 4 × 4 tile
 * (4 output channels × 4 positions) in 16 scalar locals. Per tap: one offset lookup, 4 weight loads,
 * 4 input loads, 16 multiply-adds; the same register blocking as {@link ScalarSgemmKernel}, reading the
 * input in place instead of from a packed panel.
 */
public final class ScalarDirectConvKernel implements DirectConvKernel {

    public static final ScalarDirectConvKernel INSTANCE = new ScalarDirectConvKernel();

    private static final int MR = 4;
    private static final int NR = 4;

    private ScalarDirectConvKernel() {
    }

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public void tile(int taps, float[] a, int aOffset, float[] x, int xBase, int[] offsets,
                     float[] bias, int biasOffset, float[] c, int cOffset, int ldc) {
        float b0 = bias[biasOffset], b1 = bias[biasOffset + 1], b2 = bias[biasOffset + 2], b3 = bias[biasOffset + 3];
        float c00 = b0, c01 = b0, c02 = b0, c03 = b0;
        float c10 = b1, c11 = b1, c12 = b1, c13 = b1;
        float c20 = b2, c21 = b2, c22 = b2, c23 = b2;
        float c30 = b3, c31 = b3, c32 = b3, c33 = b3;
        for (int k = 0, ai = aOffset; k < taps; k++, ai += MR) {
            int xi = xBase + offsets[k];
            float x0 = x[xi], x1 = x[xi + 1], x2 = x[xi + 2], x3 = x[xi + 3];
            float av = a[ai];
            c00 += av * x0;
            c01 += av * x1;
            c02 += av * x2;
            c03 += av * x3;
            av = a[ai + 1];
            c10 += av * x0;
            c11 += av * x1;
            c12 += av * x2;
            c13 += av * x3;
            av = a[ai + 2];
            c20 += av * x0;
            c21 += av * x1;
            c22 += av * x2;
            c23 += av * x3;
            av = a[ai + 3];
            c30 += av * x0;
            c31 += av * x1;
            c32 += av * x2;
            c33 += av * x3;
        }
        int r0 = cOffset, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        c[r0] = c00;
        c[r0 + 1] = c01;
        c[r0 + 2] = c02;
        c[r0 + 3] = c03;
        c[r1] = c10;
        c[r1 + 1] = c11;
        c[r1 + 2] = c12;
        c[r1 + 3] = c13;
        c[r2] = c20;
        c[r2 + 1] = c21;
        c[r2 + 2] = c22;
        c[r2 + 3] = c23;
        c[r3] = c30;
        c[r3 + 1] = c31;
        c[r3 + 2] = c32;
        c[r3 + 3] = c33;
    }

    @Override
    public String toString() {
        return "scalar direct 4x4";
    }
}
