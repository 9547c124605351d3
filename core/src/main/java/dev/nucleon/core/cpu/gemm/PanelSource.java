package dev.nucleon.core.cpu.gemm;

import dev.nucleon.core.cpu.conv.Im2colPanels;

/**
 * One operand of a blocked matrix product, seen as a logical {@code k × width} matrix {@code M} that the
 * GEMM copies ("packs") into contiguous slivers before multiplying.
 *
 * <p>Both operands of {@code C = op(A)·op(B)} are described this way: B as {@code M = op(B)} (k × n) and
 * A as {@code M = op(A)ᵀ} (k × m), so one packing routine serves both. Implementations read M from
 * wherever it really lives: a dense matrix ({@link MatrixPanels}) or an image that is unfolded on the fly
 * ({@link Im2colPanels}, which is how convolutions avoid materialising the im2col matrix).
 *
 * <p>Packed layout written by {@link #pack}: the block {@code M[k0 .. k0+kc) × [j0 .. j0+w)} is cut into
 * slivers of {@code sliver} columns; sliver {@code s} starts at {@code dst[s·sliver·kc]} and stores its
 * {@code kc × sliver} elements row by row, so element {@code (p, j)} lands at
 * {@code dst[(j / sliver)·sliver·kc + p·sliver + j % sliver]} (p, j relative to k0, j0). Columns past
 * {@code w} in the last sliver are written as zeros, so micro-kernels always see full slivers.
 *
 * <p>Implementations must be safe to call from several threads at once (they are read-only views).
 */
public interface PanelSource {

    /**
     * Packs rows {@code [k0, k0 + kc)} and columns {@code [j0, j0 + w)} of M into {@code dst} in the sliver
     * layout described above; writes {@code ceil(w / sliver)·sliver·kc} floats.
     */
    void pack(int k0, int kc, int j0, int w, int sliver, float[] dst);
}
