package dev.nucleon.core.cpu.conv;

import dev.nucleon.core.cpu.VectorSupport;
import dev.nucleon.core.cpu.gemm.ScalarSgemmKernel;
import dev.nucleon.core.cpu.gemm.SgemmKernel;

/**
 * The register-blocked inner step of {@link DirectConv}: one {@code mr × nr} tile of output (mr output
 * channels × nr consecutive positions), summed over all K = C_in/G·kH·kW taps.
 *
 * <pre>
 *   C[i][j] = bias[biasOffset + i] + Σ_{k &lt; K} a[aOffset + k·mr + i] · x[xBase + offsets[k] + j]
 * </pre>
 * a is one block of packed weights (tap-major, mr output channels per tap), x the zero-padded input band
 * of {@link DirectConv}, and {@code offsets[k]} where tap k's input row starts relative to the output
 * position: for a stride-1 convolution the nr inputs tap k needs for nr consecutive outputs are
 * consecutive too, so each tap is one contiguous (unaligned) load of nr floats, read in place.
 * C is written (not accumulated) at {@code c[cOffset + i·ldc + j]}.
 */
public interface DirectConvKernel {

    /** Output channels per tile. */
    int mr();

    /** Consecutive output positions per tile. */
    int nr();

    void tile(int taps, float[] a, int aOffset, float[] x, int xBase, int[] offsets,
              float[] bias, int biasOffset, float[] c, int cOffset, int ldc);

    /** The Vector API kernel when {@link VectorSupport#isAvailable()}, else the plain-Java one. */
    static DirectConvKernel preferred() {
        // as in SgemmKernel.preferred(): VectorDirectConvKernel is only loaded when this branch runs
        return VectorSupport.isAvailable() ? VectorDirectConvKernel.INSTANCE : ScalarDirectConvKernel.INSTANCE;
    }

    /**
     * The kernel for a convolution with {@code channels} output channels per group, of the same family as a
     * GEMM kernel (tests pick the scalar pair explicitly): with the Vector API, the narrow 2-channel tile for
     * 1–2 channels, else {@link #preferred()}.
     */
    static DirectConvKernel matching(SgemmKernel gemm, int channels) {
        if (gemm instanceof ScalarSgemmKernel || !VectorSupport.isAvailable()) {
            return ScalarDirectConvKernel.INSTANCE;
        }
        return channels <= 2 ? VectorDirectConvKernel.TWO_CHANNELS : VectorDirectConvKernel.INSTANCE;
    }

    /** Every kernel this JVM can run (tests check them all). */
    static java.util.List<DirectConvKernel> available() {
        return VectorSupport.isAvailable()
                ? java.util.List.of(VectorDirectConvKernel.EIGHT_CHANNELS, VectorDirectConvKernel.SIX_CHANNELS,
                        VectorDirectConvKernel.TWO_CHANNELS, ScalarDirectConvKernel.INSTANCE)
                : java.util.List.of(ScalarDirectConvKernel.INSTANCE);
    }
}
