package dev.nucleon.core.cpu.gemm;

/**
 * Plain-Java {@link InnerProductKernel} (for JVMs without {@code jdk.incubator.vector}): 16 scalar
 * accumulators, 8 loads per 16 multiply-adds per step.
 */
public final class ScalarInnerProductKernel implements InnerProductKernel {

    public static final ScalarInnerProductKernel INSTANCE = new ScalarInnerProductKernel();

    private ScalarInnerProductKernel() {
    }

    @Override
    public void multiplyAdd4x4(int length, float[] a, int aOffset, int lda, float[] b, int b0, int b1, int b2, int b3,
                               float[] c, int cOffset, int ldc) {
        int a0 = aOffset, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        float t00 = 0, t01 = 0, t02 = 0, t03 = 0;
        float t10 = 0, t11 = 0, t12 = 0, t13 = 0;
        float t20 = 0, t21 = 0, t22 = 0, t23 = 0;
        float t30 = 0, t31 = 0, t32 = 0, t33 = 0;
        for (int p = 0; p < length; p++) {
            float x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
            float y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p], y3 = b[b3 + p];
            t00 += x0 * y0; t01 += x0 * y1; t02 += x0 * y2; t03 += x0 * y3;
            t10 += x1 * y0; t11 += x1 * y1; t12 += x1 * y2; t13 += x1 * y3;
            t20 += x2 * y0; t21 += x2 * y1; t22 += x2 * y2; t23 += x2 * y3;
            t30 += x3 * y0; t31 += x3 * y1; t32 += x3 * y2; t33 += x3 * y3;
        }
        int r0 = cOffset;
        int r1 = cOffset + 1 * ldc;
        int r2 = cOffset + 2 * ldc;
        int r3 = cOffset + 3 * ldc;
        c[r0] += t00; c[r0 + 1] += t01; c[r0 + 2] += t02; c[r0 + 3] += t03;
        c[r1] += t10; c[r1 + 1] += t11; c[r1 + 2] += t12; c[r1 + 3] += t13;
        c[r2] += t20; c[r2 + 1] += t21; c[r2 + 2] += t22; c[r2 + 3] += t23;
        c[r3] += t30; c[r3 + 1] += t31; c[r3 + 2] += t32; c[r3 + 3] += t33;
    }

    @Override
    public float dot(int length, float[] a, int aOffset, float[] b, int bOffset) {
        float sum = 0;
        for (int p = 0; p < length; p++) {
            sum += a[aOffset + p] * b[bOffset + p];
        }
        return sum;
    }

    @Override
    public String toString() {
        return "scalar inner product 4x4";
    }
}
