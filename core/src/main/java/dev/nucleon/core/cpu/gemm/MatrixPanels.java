package dev.nucleon.core.cpu.gemm;

/**
 * A dense, row-major matrix as a GEMM {@link PanelSource}: the logical {@code k × width} matrix M is
 * either stored as is ({@code transposed == false}: {@code M[p][j] = data[offset + p·ld + j]}) or stored as
 * its transpose ({@code transposed == true}: {@code M[p][j] = data[offset + j·ld + p]}).
 *
 * <p>For {@code C = op(A)·op(B)}: B without transB and A with transA are stored as M; B with transB and A
 * without transA are stored transposed.
 */
public record MatrixPanels(float[] data, int offset, int ld, boolean transposed) implements PanelSource {

    @Override
    public void pack(int k0, int kc, int j0, int w, int sliver, float[] dst) {
        for (int s = 0, j = j0; j < j0 + w; s++, j += sliver) {
            int cols = Math.min(sliver, j0 + w - j);
            int base = s * sliver * kc;
            if (!transposed) {
                // each row p of the sliver is a contiguous run of `cols` floats in storage
                for (int p = 0; p < kc; p++) {
                    int d = base + p * sliver;
                    System.arraycopy(data, offset + (k0 + p) * ld + j, dst, d, cols);
                    for (int t = cols; t < sliver; t++) {
                        dst[d + t] = 0f;
                    }
                }
            } else {
                // each column j of the sliver is a contiguous run of kc floats in storage
                for (int t = 0; t < sliver; t++) {
                    int d = base + t;
                    if (t < cols) {
                        int src = offset + (j + t) * ld + k0;
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * sliver] = data[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * sliver] = 0f;
                        }
                    }
                }
            }
        }
    }
}
