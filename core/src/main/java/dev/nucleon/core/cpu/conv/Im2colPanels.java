package dev.nucleon.core.cpu.conv;

import dev.nucleon.core.cpu.Workspace;
import dev.nucleon.core.cpu.gemm.PanelSource;

/**
 * The im2col matrix of one image and one convolution group (see {@link Im2col}) as the B operand of a
 * GEMM ({@link PanelSource}), packed straight from the image: the K × P matrix is never stored, so the
 * forward convolution needs no workspace beyond the GEMM's packed panels, whatever the image size.
 *
 * <p>The panel matrix is a window of output positions starting at {@code q0}: M = col[:, q0 …]
 * (K × positions). Each requested row piece is gathered into a per-thread row buffer
 * ({@code arraycopy}s for stride 1), then cut into slivers.
 */
public final class Im2colPanels implements PanelSource {

    private final Im2col im2col;
    private final float[] x;
    private final int xOffset;
    private final int q0;

    /**
     * @param x       input (N, C_in, H, W)
     * @param xOffset index of the first input channel of the group in the chosen image
     * @param q0      first output position ({@code oh·W_out + ow}) of the window
     */
    Im2colPanels(Im2col im2col, float[] x, int xOffset, int q0) {
        this.im2col = im2col;
        this.x = x;
        this.xOffset = xOffset;
        this.q0 = q0;
    }

    @Override
    public void pack(int k0, int kc, int j0, int w, int sliver, float[] dst) {
        float[] row = Workspace.current().im2colRow(w);
        for (int p = 0; p < kc; p++) {
            im2col.gatherRow(x, xOffset, k0 + p, q0 + j0, w, row, 0);
            for (int s = 0, j = 0; j < w; s++, j += sliver) {
                int cols = Math.min(sliver, w - j);
                int d = s * sliver * kc + p * sliver;
                System.arraycopy(row, j, dst, d, cols);
                for (int t = cols; t < sliver; t++) {
                    dst[d + t] = 0f;
                }
            }
        }
    }
}
