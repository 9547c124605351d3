package dev.nucleon.core.cpu.gemm;

import dev.nucleon.core.cpu.VectorSupport;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link InnerProductKernel}: the 4 × 4 block keeps 16 vector accumulators, each summing L
 * products per step (L = floats per preferred vector); per step it loads 4 vectors of A and 4 of B
 * (8 loads for 16 FMAs). The 16 horizontal sums at the end cost about as much as a few hundred FMAs,
 * so callers pass long rows (a thousand or more).
 *
 * <p>Only loaded when {@link VectorSupport#isAvailable()}. Vectors are locals only (see
 * {@link VectorSgemmKernel} on why).
 */
final class VectorInnerProductKernel implements InnerProductKernel {

    static final VectorInnerProductKernel INSTANCE = new VectorInnerProductKernel();

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private VectorInnerProductKernel() {
    }

    @Override
    public void multiplyAdd4x4(int length, float[] a, int aOffset, int lda, float[] b, int b0, int b1, int b2, int b3,
                               float[] c, int cOffset, int ldc) {
        int a0 = aOffset, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        FloatVector s00 = FloatVector.zero(SPECIES), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00,
                s12 = s00, s13 = s00, s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00,
                s32 = s00, s33 = s00;
        int p = 0;
        for (int end = SPECIES.loopBound(length); p < end; p += L) {
            FloatVector va0 = FloatVector.fromArray(SPECIES, a, a0 + p);
            FloatVector va1 = FloatVector.fromArray(SPECIES, a, a1 + p);
            FloatVector va2 = FloatVector.fromArray(SPECIES, a, a2 + p);
            FloatVector va3 = FloatVector.fromArray(SPECIES, a, a3 + p);
            FloatVector vb0 = FloatVector.fromArray(SPECIES, b, b0 + p);
            FloatVector vb1 = FloatVector.fromArray(SPECIES, b, b1 + p);
            FloatVector vb2 = FloatVector.fromArray(SPECIES, b, b2 + p);
            FloatVector vb3 = FloatVector.fromArray(SPECIES, b, b3 + p);
            s00 = va0.fma(vb0, s00);
            s01 = va0.fma(vb1, s01);
            s02 = va0.fma(vb2, s02);
            s03 = va0.fma(vb3, s03);
            s10 = va1.fma(vb0, s10);
            s11 = va1.fma(vb1, s11);
            s12 = va1.fma(vb2, s12);
            s13 = va1.fma(vb3, s13);
            s20 = va2.fma(vb0, s20);
            s21 = va2.fma(vb1, s21);
            s22 = va2.fma(vb2, s22);
            s23 = va2.fma(vb3, s23);
            s30 = va3.fma(vb0, s30);
            s31 = va3.fma(vb1, s31);
            s32 = va3.fma(vb2, s32);
            s33 = va3.fma(vb3, s33);
        }
        // horizontal sums, then the tail (length not a multiple of L) in scalar code
        float t00 = s00.reduceLanes(VectorOperators.ADD), t01 = s01.reduceLanes(VectorOperators.ADD),
                t02 = s02.reduceLanes(VectorOperators.ADD), t03 = s03.reduceLanes(VectorOperators.ADD);
        float t10 = s10.reduceLanes(VectorOperators.ADD), t11 = s11.reduceLanes(VectorOperators.ADD),
                t12 = s12.reduceLanes(VectorOperators.ADD), t13 = s13.reduceLanes(VectorOperators.ADD);
        float t20 = s20.reduceLanes(VectorOperators.ADD), t21 = s21.reduceLanes(VectorOperators.ADD),
                t22 = s22.reduceLanes(VectorOperators.ADD), t23 = s23.reduceLanes(VectorOperators.ADD);
        float t30 = s30.reduceLanes(VectorOperators.ADD), t31 = s31.reduceLanes(VectorOperators.ADD),
                t32 = s32.reduceLanes(VectorOperators.ADD), t33 = s33.reduceLanes(VectorOperators.ADD);
        for (; p < length; p++) {
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
        FloatVector s = FloatVector.zero(SPECIES);
        int p = 0;
        for (int end = SPECIES.loopBound(length); p < end; p += L) {
            s = FloatVector.fromArray(SPECIES, a, aOffset + p).fma(FloatVector.fromArray(SPECIES, b, bOffset + p), s);
        }
        float sum = s.reduceLanes(VectorOperators.ADD);
        for (; p < length; p++) {
            sum += a[aOffset + p] * b[bOffset + p];
        }
        return sum;
    }

    @Override
    public String toString() {
        return "vector inner product 4x4 (" + L * 32 + "-bit)";
    }
}
