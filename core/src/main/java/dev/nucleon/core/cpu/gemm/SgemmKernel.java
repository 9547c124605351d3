package dev.nucleon.core.cpu.gemm;

import dev.nucleon.core.cpu.VectorSupport;

/**
 * A register-blocked GEMM micro-kernel: {@code C[mr × nr] (+)= Ã · B̃} where Ã is one packed sliver of A
 * ({@code kc × mr}, i.e. element (p, i) at {@code a[aOffset + p·mr + i]}) and B̃ one packed sliver of B
 * ({@code kc × nr}, element (p, j) at {@code b[bOffset + p·nr + j]}); see {@link PanelSource} for the
 * packing. The mr·nr accumulators live in registers for the whole k loop; that is where the flops are.
 *
 * <p>Kernels only handle full tiles; {@link Sgemm} routes ragged edges through a scratch tile.
 */
public interface SgemmKernel {

    /** Rows of C per call. */
    int mr();

    /** Columns of C per call. */
    int nr();

    /**
     * {@code C[i][j] = Σ_p Ã[p][i]·B̃[p][j]} for {@code i < mr, j < nr}, with C at {@code c[cOffset + i·ldc + j]};
     * adds to C instead of overwriting it when {@code accumulate}.
     */
    void multiply(int kc, float[] a, int aOffset, float[] b, int bOffset,
                  float[] c, int cOffset, int ldc, boolean accumulate);

    /** The fastest kernel this JVM can run: the Vector API one when {@link VectorSupport#isAvailable()}. */
    static SgemmKernel preferred() {
        // VectorSgemmKernel is only resolved (and so only loaded) when this branch runs: without the
        // jdk.incubator.vector module, loading it would throw NoClassDefFoundError.
        return VectorSupport.isAvailable() ? VectorSgemmKernel.INSTANCE : ScalarSgemmKernel.INSTANCE;
    }
}
