package dev.nucleon.core.cpu.gemm;

import dev.nucleon.core.cpu.VectorSupport;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API micro-kernel: an {@code MR × 2L} tile of C, L = floats per preferred vector (16 with
 * AVX-512, 8 with AVX2), MR = 8 or 6 rows depending on the register file.
 *
 * <p>Per step p of the k loop it loads one row of the B sliver as two vectors, broadcasts each of the MR
 * A values of that step and issues 2·MR fused multiply-adds into 2·MR vector accumulators. The tile is
 * sized so that accumulators + 2 B vectors + 1 broadcast fit the vector registers, and there are enough
 * independent FMA chains to cover the FMA latency:
 * <ul>
 *   <li>{@link #EIGHT_ROWS} (8 × 2L: 16 + 3 registers) for 32-register ISAs (AVX-512, AArch64). Zen 4,
 *       AVX-512, hot caches: ~110 GFLOP/s on one core; 6 rows were erratic (55–95), 12 rows no faster.</li>
 *   <li>{@link #SIX_ROWS} (6 × 2L: 12 + 3 registers) for x86 without AVX-512, which has 16 registers:
 *       Zen 4 restricted to AVX2 ({@code -XX:UseAVX=2}): 6 rows ~93 GFLOP/s, 8 rows (spilling) ~35.</li>
 * </ul>
 *
 * <p>Only loaded when {@link VectorSupport#isAvailable()}: it references {@code jdk.incubator.vector}.
 * Every vector is a local variable on purpose: putting them in an array or passing them around defeats
 * C2's escape analysis and the kernel drops to a few GFLOP/s.
 */
public final class VectorSgemmKernel implements SgemmKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final int NR = 2 * L;

    /** 8 × 2L: for ISAs with 32 vector registers. */
    static final VectorSgemmKernel EIGHT_ROWS = new VectorSgemmKernel(8);
    /** 6 × 2L: for ISAs with 16 vector registers (x86 up to AVX2). */
    static final VectorSgemmKernel SIX_ROWS = new VectorSgemmKernel(6);
    /** The one for this machine: x86 has 32 vector registers only with AVX-512 (16 floats per vector). */
    public static final VectorSgemmKernel INSTANCE = isX86() && L < 16 ? SIX_ROWS : EIGHT_ROWS;

    private final int mr;

    private VectorSgemmKernel(int mr) {
        this.mr = mr;
    }

    private static boolean isX86() {
        String arch = System.getProperty("os.arch", "");
        return arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86") || arch.equals("i386");
    }

    @Override
    public int mr() {
        return mr;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public void multiply(int kc, float[] a, int aOffset, float[] b, int bOffset,
                         float[] c, int cOffset, int ldc, boolean accumulate) {
        if (mr == 8) {
            multiply8(kc, a, aOffset, b, bOffset, c, cOffset, ldc, accumulate);
        } else {
            multiply6(kc, a, aOffset, b, bOffset, c, cOffset, ldc, accumulate);
        }
    }

    /** The 8-row tile; see the class comment. */
    private static void multiply8(int kc, float[] a, int aOffset, float[] b, int bOffset,
                                float[] c, int cOffset, int ldc, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00,
                c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = aOffset + p * 8;
            int bi = bOffset + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
            FloatVector av = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = b0.fma(av, c00);
            c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = b0.fma(av, c10);
            c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = b0.fma(av, c20);
            c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = b0.fma(av, c30);
            c31 = b1.fma(av, c31);
            av = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = b0.fma(av, c40);
            c41 = b1.fma(av, c41);
            av = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = b0.fma(av, c50);
            c51 = b1.fma(av, c51);
            av = FloatVector.broadcast(SPECIES, a[ai + 6]);
            c60 = b0.fma(av, c60);
            c61 = b1.fma(av, c61);
            av = FloatVector.broadcast(SPECIES, a[ai + 7]);
            c70 = b0.fma(av, c70);
            c71 = b1.fma(av, c71);
        }
        // Write the tile back. Spelled out instead of a helper taking vectors: a helper that C2 declines
        // to inline (it does, this method is large) forces every accumulator into a heap object.
        int r0 = cOffset, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc,
                r6 = r5 + ldc, r7 = r6 + ldc;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, c, r0));
            c01 = c01.add(FloatVector.fromArray(SPECIES, c, r0 + L));
            c10 = c10.add(FloatVector.fromArray(SPECIES, c, r1));
            c11 = c11.add(FloatVector.fromArray(SPECIES, c, r1 + L));
            c20 = c20.add(FloatVector.fromArray(SPECIES, c, r2));
            c21 = c21.add(FloatVector.fromArray(SPECIES, c, r2 + L));
            c30 = c30.add(FloatVector.fromArray(SPECIES, c, r3));
            c31 = c31.add(FloatVector.fromArray(SPECIES, c, r3 + L));
            c40 = c40.add(FloatVector.fromArray(SPECIES, c, r4));
            c41 = c41.add(FloatVector.fromArray(SPECIES, c, r4 + L));
            c50 = c50.add(FloatVector.fromArray(SPECIES, c, r5));
            c51 = c51.add(FloatVector.fromArray(SPECIES, c, r5 + L));
            c60 = c60.add(FloatVector.fromArray(SPECIES, c, r6));
            c61 = c61.add(FloatVector.fromArray(SPECIES, c, r6 + L));
            c70 = c70.add(FloatVector.fromArray(SPECIES, c, r7));
            c71 = c71.add(FloatVector.fromArray(SPECIES, c, r7 + L));
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + L);
        c60.intoArray(c, r6);
        c61.intoArray(c, r6 + L);
        c70.intoArray(c, r7);
        c71.intoArray(c, r7 + L);
    }

    /** The 6-row tile; see the class comment. */
    private static void multiply6(int kc, float[] a, int aOffset, float[] b, int bOffset,
                                float[] c, int cOffset, int ldc, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = aOffset + p * 6;
            int bi = bOffset + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
            FloatVector av = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = b0.fma(av, c00);
            c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = b0.fma(av, c10);
            c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = b0.fma(av, c20);
            c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = b0.fma(av, c30);
            c31 = b1.fma(av, c31);
            av = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = b0.fma(av, c40);
            c41 = b1.fma(av, c41);
            av = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = b0.fma(av, c50);
            c51 = b1.fma(av, c51);
        }
        // Write the tile back. Spelled out instead of a helper taking vectors: a helper that C2 declines
        // to inline (it does, this method is large) forces every accumulator into a heap object.
        int r0 = cOffset, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, c, r0));
            c01 = c01.add(FloatVector.fromArray(SPECIES, c, r0 + L));
            c10 = c10.add(FloatVector.fromArray(SPECIES, c, r1));
            c11 = c11.add(FloatVector.fromArray(SPECIES, c, r1 + L));
            c20 = c20.add(FloatVector.fromArray(SPECIES, c, r2));
            c21 = c21.add(FloatVector.fromArray(SPECIES, c, r2 + L));
            c30 = c30.add(FloatVector.fromArray(SPECIES, c, r3));
            c31 = c31.add(FloatVector.fromArray(SPECIES, c, r3 + L));
            c40 = c40.add(FloatVector.fromArray(SPECIES, c, r4));
            c41 = c41.add(FloatVector.fromArray(SPECIES, c, r4 + L));
            c50 = c50.add(FloatVector.fromArray(SPECIES, c, r5));
            c51 = c51.add(FloatVector.fromArray(SPECIES, c, r5 + L));
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + L);
    }

    @Override
    public String toString() {
        return "vector " + mr + "x" + NR + " (" + L * 32 + "-bit)";
    }
}
