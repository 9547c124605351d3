package dev.nucleon.core.cpu;

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
interface InnerProductKernel {

    /** Rows of A and of B per {@link #multiplyAdd4x4} call. */
    int BLOCK = 4;

    /**
     * {@code c[cOffset + i·ldc + j] += Σ_{p < length} a[aOffset + i·lda + p] · b[bOffset + j·ldb + p]} for
     * {@code i, j < 4}.
     */
    void multiplyAdd4x4(int length, float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                        float[] c, int cOffset, int ldc);

    /** {@code Σ_{p < length} a[aOffset + p] · b[bOffset + p]}, for the ragged edges of a 4 × 4 blocking. */
    float dot(int length, float[] a, int aOffset, float[] b, int bOffset);

    /**
     * {@link #multiplyAdd4x4} over a 2-D index, rows r &lt; {@code rows} of {@code width} columns t, each operand row
     * read with its own pitch (so B's rows may be windows of a wider, padded image):
     * {@code c[cOffset + i·ldc + j] += Σ_{r, t} a[aOffset + i·lda + r·aPitch + t] · b[bj + r·bPitch + t]} for
     * {@code i, j < 4}, with {@code bj} = b0, b1, b2, b3.
     */
    void multiplyAdd4x4Rows(int rows, int width, float[] a, int aOffset, int lda, int aPitch,
                            float[] b, int b0, int b1, int b2, int b3, int bPitch, float[] c, int cOffset, int ldc);

    /** {@code Σ_{r, t} a[aOffset + r·aPitch + t] · b[bOffset + r·bPitch + t]}: {@link #dot} over rows. */
    float dotRows(int rows, int width, float[] a, int aOffset, int aPitch, float[] b, int bOffset, int bPitch);

    /** The Vector API kernel when {@link VectorSupport#isAvailable()}, else the scalar one. */
    static InnerProductKernel preferred() {
        // VectorInnerProductKernel is only resolved, so only loaded, when this branch runs
        return VectorSupport.isAvailable() ? VectorInnerProductKernel.INSTANCE : ScalarInnerProductKernel.INSTANCE;
    }
}
