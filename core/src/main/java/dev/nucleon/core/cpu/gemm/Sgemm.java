package dev.nucleon.core.cpu.gemm;

import dev.nucleon.core.cpu.Parallel;
import dev.nucleon.core.cpu.Workspace;
import dev.nucleon.core.cpu.conv.ConvKernels;

import java.util.Arrays;

/**
 * Single-precision matrix multiply on row-major {@code float[]} arrays: {@code C = op(A)·op(B)} or
 * {@code C += op(A)·op(B)}, where {@code op(X)} is X or Xᵀ.
 *
 * <h2>How it is organised (Goto / BLIS)</h2>
 * A matrix product does 2·m·n·k flops on m·k + k·n + m·n numbers, so it can run at the FMA units' speed
 * only if each number fetched from memory is reused many times from a cache. Three levels of blocking
 * arrange that; the loops, outermost first:
 * <pre>
 *   for jc in n, step NC:                  C and B columns [jc, jc+nc)
 *     for pc in k, step KC:                rank-kc update
 *       pack op(B)[pc.., jc..] → B̃         kc × nc, slivers of NR columns   (B̃ stays in L2/L3)
 *       for ic in m, step MC:
 *         pack op(A)[ic.., pc..] → Ã       mc × kc, slivers of MR rows      (Ã stays in L2)
 *         macro-kernel: for jr in nc step NR, for ir in mc step MR:
 *           micro-kernel: C[ir.., jr..] (MR × NR) += Ã sliver · B̃ sliver   (accumulators in registers,
 *                                                                           Ã sliver kc × MR in L1)
 * </pre>
 * Packing copies each block once into the exact order the micro-kernel reads it (unit stride, no
 * transposes left, zero-padded to full slivers), which is also where op() and leading dimensions are
 * dealt with: the kernels never see them. Operands are abstracted as {@link PanelSource}s so a
 * convolution can pack its im2col matrix straight from the image ({@link ConvKernels}).
 *
 * <h2>Block sizes</h2>
 * For a core with 32 KiB L1d and 1 MiB L2 (Zen 4; similar on recent Intel), with MR × NR = 8 × 32
 * (AVX-512; 6 × 16 with AVX2, see {@link VectorSgemmKernel}), and checked by measurement (1024³, one thread):
 * <ul>
 *   <li>{@link #KC} = 512: each micro-kernel call does 8·32·512 FMAs against 16 loads and 16 stores of
 *       its C tile, whose cache misses it cannot hide; the larger kc amortises them. An A sliver
 *       (8 × 512 floats = 16 KiB) stays in L1, the B̃ sliver (512 × 32 = 64 KiB) comes from L2, which
 *       has the bandwidth for it. Measured: kc 128 / 256 / 512 → 88 / 92 / 100 GFLOP/s.</li>
 *   <li>{@link #MC} = 192: Ã = 192 × 512 floats = 384 KiB in L2 beside the streaming B̃ slivers
 *       (96 and 384 measured the same).</li>
 *   <li>{@link #NC} = 1024: B̃ = 512 × 1024 floats = 2 MiB in L2/L3, re-used by all m/MC blocks of A;
 *       the per-thread packing buffers stay ≈ 2.4 MiB (2048 measured the same, 512 slower).</li>
 * </ul>
 * Blocks are balanced (k = 600 gives two blocks of 300, not 512 + 88).
 *
 * <h2>Threads</h2>
 * Products under {@link #MIN_PARALLEL_FLOPS} run on the calling thread: handing work to the pool costs
 * tens of microseconds. Larger ones are cut into independent column slabs of C (or row slabs when m > n),
 * one per thread, each packing its own panels; called from inside a {@link Parallel} worker the whole
 * product runs inline, so callers that already parallelise (convolutions) do not oversubscribe.
 *
 * <p>C must not overlap A or B.
 */
public final class Sgemm {

    /** Depth of one rank-kc update (rows of B̃, columns of Ã). */
    static final int KC = 512;
    /** Rows of C per packed A block. */
    static final int MC = 192;
    /** Columns of C per packed B block. */
    static final int NC = 1024;
    /**
     * Below this many flops (≈ 200³·2) a product runs on the calling thread: a pool hand-off costs
     * ~30 µs here; measured with 2 threads, 128³ ran slower (65 vs 85 GFLOP/s), 200³ faster (93 vs 84).
     */
    static final double MIN_PARALLEL_FLOPS = 1.6e7;

    private Sgemm() {
    }

    /**
     * C (m×n) = op(A)·op(B), or C += op(A)·op(B) when accumulate. Row-major, contiguous:
     * A stored m×k (k×m when transA), B stored k×n (n×k when transB), C m×n.
     *
     * @param transA     whether A is stored transposed (k×m)
     * @param transB     whether B is stored transposed (n×k)
     * @param m          rows of C
     * @param n          columns of C
     * @param k          the inner size
     * @param a          A's array
     * @param aOffset    A's first element in it
     * @param b          B's array
     * @param bOffset    B's first element in it
     * @param c          C's array, written
     * @param cOffset    C's first element in it
     * @param accumulate add into C (true) or overwrite it (false)
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float[] a, int aOffset, float[] b, int bOffset,
                                float[] c, int cOffset, boolean accumulate) {
        multiply(transA, transB, m, n, k, a, aOffset, transA ? m : k, b, bOffset, transB ? k : n,
                c, cOffset, n, accumulate);
    }

    /**
     * General form with leading dimensions (the distance between consecutive stored rows):
     * element (i, p) of a stored m×k A is {@code a[aOffset + i·lda + p]}, and likewise for B and C.
     *
     *
     * @param transA     whether A is stored transposed (k×m)
     * @param transB     whether B is stored transposed (n×k)
     * @param m          rows of C
     * @param n          columns of C
     * @param k          the inner size
     * @param a          A's array
     * @param aOffset    A's first element in it
     * @param lda        at least the stored row length of A: k, or m when transA
     * @param b          B's array
     * @param bOffset    B's first element in it
     * @param ldb        at least the stored row length of B: n, or k when transB
     * @param c          C's array, written
     * @param cOffset    C's first element in it
     * @param ldc        at least n
     * @param accumulate add into C (true) or overwrite it (false)
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                                float[] c, int cOffset, int ldc, boolean accumulate) {
        multiply(SgemmKernel.preferred(), transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb,
                c, cOffset, ldc, accumulate);
    }

    /** {@link #multiply(boolean, boolean, int, int, int, float[], int, int, float[], int, int, float[], int, int, boolean)} with a chosen micro-kernel (tests run every one). */
    public static void multiply(SgemmKernel kernel, boolean transA, boolean transB, int m, int n, int k,
                         float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                         float[] c, int cOffset, int ldc, boolean accumulate) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + ", n=" + n + ", k=" + k);
        }
        checkOperand("A", a, aOffset, lda, transA ? k : m, transA ? m : k, transA, m, n, k);
        checkOperand("B", b, bOffset, ldb, transB ? n : k, transB ? k : n, transB, m, n, k);
        checkOperand("C", c, cOffset, ldc, m, n, false, m, n, k);
        // op(A)ᵀ (k × m) is stored as is when transA, transposed otherwise; op(B) (k × n) the other way round
        PanelSource aT = new MatrixPanels(a, aOffset, lda, !transA);
        PanelSource bOp = new MatrixPanels(b, bOffset, ldb, transB);
        multiply(kernel, aT, bOp, m, n, k, c, cOffset, ldc, accumulate);
    }

    /**
     * C (m×n, element (i, j) at {@code c[cOffset + i·ldc + j]}) (+)= op(A)·op(B) with the operands given as
     * panel sources: {@code aT} is op(A)ᵀ (k × m), {@code b} is op(B) (k × n). Splits over threads when
     * the product is large enough and we are not already inside a worker.
     */
    public static void multiply(SgemmKernel kernel, PanelSource aT, PanelSource b, int m, int n, int k,
                         float[] c, int cOffset, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        double flops = 2.0 * m * n * k;
        if (Parallel.threads() == 1 || flops < MIN_PARALLEL_FLOPS) {
            blocked(kernel, aT, b, 0, m, 0, n, k, c, cOffset, ldc, accumulate);
        } else if (n >= m) {
            // column slabs, whole NR slivers each, at least MIN_PARALLEL_FLOPS / 2 of work per slab
            int nr = kernel.nr();
            int units = ceilDiv(n, nr);
            int minUnits = (int) Math.ceil(MIN_PARALLEL_FLOPS / 2 / (2.0 * m * k * nr));
            Parallel.range(units, minUnits, (from, to) ->
                    blocked(kernel, aT, b, 0, m, from * nr, Math.min(n, to * nr), k, c, cOffset, ldc, accumulate));
        } else {
            int mr = kernel.mr();
            int units = ceilDiv(m, mr);
            int minUnits = (int) Math.ceil(MIN_PARALLEL_FLOPS / 2 / (2.0 * n * k * mr));
            Parallel.range(units, minUnits, (from, to) ->
                    blocked(kernel, aT, b, from * mr, Math.min(m, to * mr), 0, n, k, c, cOffset, ldc, accumulate));
        }
    }

    /**
     * The blocked product on the calling thread, for rows {@code [i0, i1)} and columns {@code [j0, j1)} of C
     * (absolute indices into C, op(A)ᵀ's columns and op(B)'s columns).
     */
    static void blocked(SgemmKernel kernel, PanelSource aT, PanelSource b, int i0, int i1, int j0, int j1, int k,
                        float[] c, int cOffset, int ldc, boolean accumulate) {
        if (k == 0) {
            if (!accumulate) {
                for (int i = i0; i < i1; i++) {
                    Arrays.fill(c, cOffset + i * ldc + j0, cOffset + i * ldc + j1, 0f);
                }
            }
            return;
        }
        int mr = kernel.mr();
        int nr = kernel.nr();
        int kcMax = ceilDiv(k, ceilDiv(k, KC));
        int mcMax = roundUp(ceilDiv(i1 - i0, ceilDiv(i1 - i0, MC)), mr);
        int ncMax = roundUp(ceilDiv(j1 - j0, ceilDiv(j1 - j0, NC)), nr);
        Workspace ws = Workspace.current();
        float[] packedA = ws.packedA(mcMax * kcMax);
        float[] packedB = ws.packedB(ncMax * kcMax);
        float[] edge = ws.edgeTile(mr * nr);

        for (int jc = j0; jc < j1; jc += ncMax) {
            int nc = Math.min(ncMax, j1 - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                b.pack(pc, kc, jc, nc, nr, packedB);
                boolean add = accumulate || pc > 0; // later rank-kc updates add to the earlier ones
                for (int ic = i0; ic < i1; ic += mcMax) {
                    int mc = Math.min(mcMax, i1 - ic);
                    aT.pack(pc, kc, ic, mc, mr, packedA);
                    macroKernel(kernel, kc, packedA, mc, packedB, nc, c, cOffset + ic * ldc + jc, ldc, add, edge);
                }
            }
        }
    }

    /**
     * C[mc × nc] (+)= Ã · B̃ for one packed pair, tile by tile. Ragged tiles (at the bottom and right
     * edges) are computed into {@code edge} (MR × NR) and copied, so micro-kernels only see full tiles.
     */
    private static void macroKernel(SgemmKernel kernel, int kc, float[] packedA, int mc, float[] packedB, int nc,
                                    float[] c, int cOffset, int ldc, boolean accumulate, float[] edge) {
        int mr = kernel.mr();
        int nr = kernel.nr();
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            for (int ir = 0; ir < mc; ir += mr) {
                int rows = Math.min(mr, mc - ir);
                int ci = cOffset + ir * ldc + jr;
                // sliver ir / mr of Ã starts at (ir / mr)·mr·kc = ir·kc, likewise for B̃
                if (rows == mr && cols == nr) {
                    kernel.multiply(kc, packedA, ir * kc, packedB, jr * kc, c, ci, ldc, accumulate);
                } else {
                    kernel.multiply(kc, packedA, ir * kc, packedB, jr * kc, edge, 0, nr, false);
                    for (int r = 0; r < rows; r++) {
                        for (int t = 0; t < cols; t++) {
                            int idx = ci + r * ldc + t;
                            c[idx] = accumulate ? c[idx] + edge[r * nr + t] : edge[r * nr + t];
                        }
                    }
                }
            }
        }
    }

    private static void checkOperand(String name, float[] x, int offset, int ld, int rows, int cols, boolean trans,
                                     int m, int n, int k) {
        String shape = "sgemm(m=" + m + ", n=" + n + ", k=" + k + "): " + name + " stored " + rows + "x" + cols
                + (trans ? " (transposed)" : "");
        if (x == null) {
            throw new IllegalArgumentException(shape + " is null");
        }
        if (ld < cols) {
            throw new IllegalArgumentException(shape + " needs a leading dimension >= " + cols + ", got " + ld);
        }
        long needed = rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
        if (offset < 0 || offset + needed > x.length) {
            throw new IllegalArgumentException(shape + " with leading dimension " + ld + " needs " + needed
                    + " floats from offset " + offset + ", but the array has " + x.length);
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int a, int multiple) {
        return ceilDiv(a, multiple) * multiple;
    }
}
