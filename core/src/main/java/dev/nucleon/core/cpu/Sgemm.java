package dev.nucleon.core.cpu;

/** PLACEHOLDER (replaced by the packed Vector API SGEMM from the kernels branch). */
public final class Sgemm {
    private Sgemm() {
    }

    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float[] a, int aOffset, float[] b, int bOffset,
                                float[] c, int cOffset, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOffset + p * m + i] : a[aOffset + i * k + p];
                    float bv = transB ? b[bOffset + j * k + p] : b[bOffset + p * n + j];
                    s += av * bv;
                }
                c[cOffset + i * n + j] = (float) (accumulate ? c[cOffset + i * n + j] + s : s);
            }
        }
    }
}
