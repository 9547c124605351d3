package dev.nucleon.core.cpu.conv;

import dev.nucleon.core.cpu.VectorSupport;
import dev.nucleon.core.cpu.gemm.VectorSgemmKernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link DirectConvKernel}: a tile of MR output channels × 2L consecutive output positions
 * (L = floats per preferred vector; MR = 8 with 32 vector registers, 6 on x86 without AVX-512, as in
 * {@link VectorSgemmKernel}, whose register budget and FMA-latency argument carry over unchanged), and a
 * narrow 2 × 4L tile for convolutions with at most 2 output channels per group.
 *
 * <p>Per tap k: two unaligned vector loads of the input straight from the padded band
 * ({@code x[xBase + offsets[k] ..]}), MR weight broadcasts, 2·MR fused multiply-adds into 2·MR vector
 * accumulators that start at the bias. It is the GEMM micro-kernel with its B sliver replaced by
 * indirect rows of the image (no packing), so it chases the same limit: FMA throughput, with 2 loads +
 * MR broadcasts per 2·MR FMAs.
 *
 * <p>Only loaded when {@link VectorSupport#isAvailable()}: it references {@code jdk.incubator.vector}.
 */
final class VectorDirectConvKernel implements DirectConvKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    static final VectorDirectConvKernel EIGHT_CHANNELS = new VectorDirectConvKernel(8);
    static final VectorDirectConvKernel SIX_CHANNELS = new VectorDirectConvKernel(6);
    /** 2 × 4L, for 1–2 output channels per group (a segmentation head), where 8 rows would be 75 % zeros. */
    static final VectorDirectConvKernel TWO_CHANNELS = new VectorDirectConvKernel(2);
    /** The one for this machine: the same choice as {@link VectorSgemmKernel#INSTANCE}. */
    static final VectorDirectConvKernel INSTANCE = VectorSgemmKernel.INSTANCE.mr() == 8 ? EIGHT_CHANNELS : SIX_CHANNELS;

    private final int mr;

    private VectorDirectConvKernel(int mr) {
        this.mr = mr;
    }

    @Override
    public int mr() {
        return mr;
    }

    @Override
    public int nr() {
        return mr == 2 ? 4 * L : 2 * L;
    }

    @Override
    public void tile(int taps, float[] a, int aOffset, float[] x, int xBase, int[] offsets,
                     float[] bias, int biasOffset, float[] c, int cOffset, int ldc) {
        if (mr == 8) {
            tile8(taps, a, aOffset, x, xBase, offsets, bias, biasOffset, c, cOffset, ldc);
        } else if (mr == 2) {
            tile2(taps, a, aOffset, x, xBase, offsets, bias, biasOffset, c, cOffset, ldc);
        } else {
            tile6(taps, a, aOffset, x, xBase, offsets, bias, biasOffset, c, cOffset, ldc);
        }
    }

    /** The 8-channel tile; see the class comment. */
    private static void tile8(int taps, float[] a, int aOffset, float[] x, int xBase, int[] offsets,
                              float[] bias, int biasOffset, float[] c, int cOffset, int ldc) {
        FloatVector c00 = FloatVector.broadcast(SPECIES, bias[biasOffset + 0]), c01 = c00;
        FloatVector c10 = FloatVector.broadcast(SPECIES, bias[biasOffset + 1]), c11 = c10;
        FloatVector c20 = FloatVector.broadcast(SPECIES, bias[biasOffset + 2]), c21 = c20;
        FloatVector c30 = FloatVector.broadcast(SPECIES, bias[biasOffset + 3]), c31 = c30;
        FloatVector c40 = FloatVector.broadcast(SPECIES, bias[biasOffset + 4]), c41 = c40;
        FloatVector c50 = FloatVector.broadcast(SPECIES, bias[biasOffset + 5]), c51 = c50;
        FloatVector c60 = FloatVector.broadcast(SPECIES, bias[biasOffset + 6]), c61 = c60;
        FloatVector c70 = FloatVector.broadcast(SPECIES, bias[biasOffset + 7]), c71 = c70;
        for (int k = 0, ai = aOffset; k < taps; k++, ai += 8) {
            int xi = xBase + offsets[k];
            FloatVector x0 = FloatVector.fromArray(SPECIES, x, xi);
            FloatVector x1 = FloatVector.fromArray(SPECIES, x, xi + L);
            FloatVector av = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x0.fma(av, c00);
            c01 = x1.fma(av, c01);
            av = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x0.fma(av, c10);
            c11 = x1.fma(av, c11);
            av = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x0.fma(av, c20);
            c21 = x1.fma(av, c21);
            av = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x0.fma(av, c30);
            c31 = x1.fma(av, c31);
            av = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = x0.fma(av, c40);
            c41 = x1.fma(av, c41);
            av = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = x0.fma(av, c50);
            c51 = x1.fma(av, c51);
            av = FloatVector.broadcast(SPECIES, a[ai + 6]);
            c60 = x0.fma(av, c60);
            c61 = x1.fma(av, c61);
            av = FloatVector.broadcast(SPECIES, a[ai + 7]);
            c70 = x0.fma(av, c70);
            c71 = x1.fma(av, c71);
        }
        // spelled out, not a helper taking vectors: see VectorSgemmKernel
        int r = cOffset;
        c00.intoArray(c, r);
        c01.intoArray(c, r + L);
        r += ldc;
        c10.intoArray(c, r);
        c11.intoArray(c, r + L);
        r += ldc;
        c20.intoArray(c, r);
        c21.intoArray(c, r + L);
        r += ldc;
        c30.intoArray(c, r);
        c31.intoArray(c, r + L);
        r += ldc;
        c40.intoArray(c, r);
        c41.intoArray(c, r + L);
        r += ldc;
        c50.intoArray(c, r);
        c51.intoArray(c, r + L);
        r += ldc;
        c60.intoArray(c, r);
        c61.intoArray(c, r + L);
        r += ldc;
        c70.intoArray(c, r);
        c71.intoArray(c, r + L);
    }

    /** The 6-channel tile; see the class comment. */
    private static void tile6(int taps, float[] a, int aOffset, float[] x, int xBase, int[] offsets,
                              float[] bias, int biasOffset, float[] c, int cOffset, int ldc) {
        FloatVector c00 = FloatVector.broadcast(SPECIES, bias[biasOffset + 0]), c01 = c00;
        FloatVector c10 = FloatVector.broadcast(SPECIES, bias[biasOffset + 1]), c11 = c10;
        FloatVector c20 = FloatVector.broadcast(SPECIES, bias[biasOffset + 2]), c21 = c20;
        FloatVector c30 = FloatVector.broadcast(SPECIES, bias[biasOffset + 3]), c31 = c30;
        FloatVector c40 = FloatVector.broadcast(SPECIES, bias[biasOffset + 4]), c41 = c40;
        FloatVector c50 = FloatVector.broadcast(SPECIES, bias[biasOffset + 5]), c51 = c50;
        for (int k = 0, ai = aOffset; k < taps; k++, ai += 6) {
            int xi = xBase + offsets[k];
            FloatVector x0 = FloatVector.fromArray(SPECIES, x, xi);
            FloatVector x1 = FloatVector.fromArray(SPECIES, x, xi + L);
            FloatVector av = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x0.fma(av, c00);
            c01 = x1.fma(av, c01);
            av = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x0.fma(av, c10);
            c11 = x1.fma(av, c11);
            av = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x0.fma(av, c20);
            c21 = x1.fma(av, c21);
            av = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x0.fma(av, c30);
            c31 = x1.fma(av, c31);
            av = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = x0.fma(av, c40);
            c41 = x1.fma(av, c41);
            av = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = x0.fma(av, c50);
            c51 = x1.fma(av, c51);
        }
        // spelled out, not a helper taking vectors: see VectorSgemmKernel
        int r = cOffset;
        c00.intoArray(c, r);
        c01.intoArray(c, r + L);
        r += ldc;
        c10.intoArray(c, r);
        c11.intoArray(c, r + L);
        r += ldc;
        c20.intoArray(c, r);
        c21.intoArray(c, r + L);
        r += ldc;
        c30.intoArray(c, r);
        c31.intoArray(c, r + L);
        r += ldc;
        c40.intoArray(c, r);
        c41.intoArray(c, r + L);
        r += ldc;
        c50.intoArray(c, r);
        c51.intoArray(c, r + L);
    }

    /** The narrow tile: 2 channels × 4 vectors, for convolutions with 1 or 2 output channels per group. */
    private static void tile2(int taps, float[] a, int aOffset, float[] x, int xBase, int[] offsets,
                              float[] bias, int biasOffset, float[] c, int cOffset, int ldc) {
        FloatVector c00 = FloatVector.broadcast(SPECIES, bias[biasOffset]), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = FloatVector.broadcast(SPECIES, bias[biasOffset + 1]), c11 = c10, c12 = c10, c13 = c10;
        for (int k = 0, ai = aOffset; k < taps; k++, ai += 2) {
            int xi = xBase + offsets[k];
            FloatVector x0 = FloatVector.fromArray(SPECIES, x, xi);
            FloatVector x1 = FloatVector.fromArray(SPECIES, x, xi + L);
            FloatVector x2 = FloatVector.fromArray(SPECIES, x, xi + 2 * L);
            FloatVector x3 = FloatVector.fromArray(SPECIES, x, xi + 3 * L);
            FloatVector av = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x0.fma(av, c00);
            c01 = x1.fma(av, c01);
            c02 = x2.fma(av, c02);
            c03 = x3.fma(av, c03);
            av = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x0.fma(av, c10);
            c11 = x1.fma(av, c11);
            c12 = x2.fma(av, c12);
            c13 = x3.fma(av, c13);
        }
        c00.intoArray(c, cOffset);
        c01.intoArray(c, cOffset + L);
        c02.intoArray(c, cOffset + 2 * L);
        c03.intoArray(c, cOffset + 3 * L);
        int r = cOffset + ldc;
        c10.intoArray(c, r);
        c11.intoArray(c, r + L);
        c12.intoArray(c, r + 2 * L);
        c13.intoArray(c, r + 3 * L);
    }

    @Override
    public String toString() {
        return "vector direct " + mr + "x" + nr() + " (" + L * 32 + "-bit)";
    }
}
