package dev.nucleon.core.cpu.gemm;

import dev.nucleon.core.cpu.VectorSupport;

/**
 * Micro-kernel for {@code C += A·Bᵀ} when the rows of A and of B are both contiguous along the summed
 * index p: {@code C[i][j] += Σ_p A[i][p]·B[j][p]}. Unlike {@link SgemmKernel} (outer products, which
 * need both operands packed p-major) it reads the rows where they lie and vectorises along p, paying
 * instead a horizontal sum per entry of C at the end.
 *
 * <p>Used for the convolution weight gradient {@code gW = gy·colᵀ}, where gy rows and im2col rows both
 * run along output positions: packing them for the outer-product kernel means transposing every
 * im2col element, which cost more than the arithmetic when C_out is small.
 */
public interface InnerProductKernel {

    /** Rows of A and of B per {@link #multiplyAdd4x4} call. */
    int BLOCK = 4;

    /**
     * {@code c[cOffset + i·ldc + j] += Σ_{p < length} a[aOffset + i·lda + p] · b[bOffset + j·ldb + p]} for
     * {@code i, j < 4}.
     */
    default void multiplyAdd4x4(int length, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                                float[] c, int cOffset, int ldc) {
        multiplyAdd4x4(length, a, aOffset, lda, b, bOffset, bOffset + ldb, bOffset + 2 * ldb, bOffset + 3 * ldb,
                c, cOffset, ldc);
    }

    /**
     * {@link #multiplyAdd4x4} with B's four rows wherever they lie: {@code c[cOffset + i·ldc + j] +=
     * Σ_{p < length} a[aOffset + i·lda + p] · b[bj + p]} for {@code i, j < 4}, bj = b0, b1, b2, b3.
     */
    void multiplyAdd4x4(int length, float[] a, int aOffset, int lda, float[] b, int b0, int b1, int b2, int b3,
                        float[] c, int cOffset, int ldc);

    /** {@code Σ_{p < length} a[aOffset + p] · b[bOffset + p]}, for the ragged edges of a 4 × 4 blocking. */
    float dot(int length, float[] a, int aOffset, float[] b, int bOffset);

    /** The Vector API kernel when {@link VectorSupport#isAvailable()}, else the scalar one. */
    static InnerProductKernel preferred() {
        // VectorInnerProductKernel is only resolved, so only loaded, when this branch runs
        return VectorSupport.isAvailable() ? VectorInnerProductKernel.INSTANCE : ScalarInnerProductKernel.INSTANCE;
    }
}
