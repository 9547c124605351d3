package dev.nucleon.core.cpu;

/**
 * The im2col matrix of one image and one convolution group (see {@link Im2col}) as a GEMM
 * {@link PanelSource}, packed straight from the image: the K × P matrix itself is never stored, so a
 * convolution needs no workspace beyond the GEMM's packed panels, whatever the image size.
 *
 * <p>The panel matrix M is a window of {@code positions} consecutive output positions starting at
 * {@code q0}:
 * <ul>
 *   <li>{@code byPosition == false}: M = col[:, q0 …] (K × positions), the B operand of the forward pass
 *       {@code y = W·col};</li>
 *   <li>{@code byPosition == true}: M = col[:, q0 …]ᵀ (positions × K), the B operand of the weight gradient
 *       {@code gW += gy·colᵀ}.</li>
 * </ul>
 * Each requested row piece is gathered into a per-thread row buffer, then laid out into slivers.
 */
final class Im2colPanels implements PanelSource {

    private final Im2col im2col;
    private final float[] x;
    private final int xOffset;
    private final int q0;
    private final boolean byPosition;

    /**
     * @param x       input (N, C_in, H, W)
     * @param xOffset index of the first input channel of the group in the chosen image
     * @param q0      first output position ({@code oh·W_out + ow}) of the window
     */
    Im2colPanels(Im2col im2col, float[] x, int xOffset, int q0, boolean byPosition) {
        this.im2col = im2col;
        this.x = x;
        this.xOffset = xOffset;
        this.q0 = q0;
        this.byPosition = byPosition;
    }

    @Override
    public void pack(int k0, int kc, int j0, int w, int sliver, float[] dst) {
        if (!byPosition) {
            // rows of M are im2col rows: gather w positions of each, then cut them into slivers
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
        } else {
            // columns of M are im2col rows: gather kc positions of each into one lane of its sliver
            float[] row = Workspace.current().im2colRow(kc);
            for (int s = 0, j = 0; j < w; s++, j += sliver) {
                int base = s * sliver * kc;
                for (int t = 0; t < sliver; t++) {
                    if (j + t < w) {
                        im2col.gatherRow(x, xOffset, j0 + j + t, q0 + k0, kc, row, 0);
                        for (int p = 0; p < kc; p++) {
                            dst[base + p * sliver + t] = row[p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            dst[base + p * sliver + t] = 0f;
                        }
                    }
                }
            }
        }
    }
}
