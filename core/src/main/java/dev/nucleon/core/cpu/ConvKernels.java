package dev.nucleon.core.cpu;

import dev.nucleon.core.ConvGeometry;

/** PLACEHOLDER (replaced by im2col + GEMM kernels from the kernels branch). Direct loops. */
public final class ConvKernels {
    private ConvKernels() {
    }

    public static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        loop(g, x, w, y, 0, bias);
    }

    public static void backwardData(ConvGeometry g, float[] gy, float[] w, float[] gx) {
        java.util.Arrays.fill(gx, 0f);
        loop(g, gx, w, gy, 1, null);
    }

    public static void backwardWeight(ConvGeometry g, float[] x, float[] gy, float[] gw) {
        java.util.Arrays.fill(gw, 0f);
        loop(g, x, gw, gy, 2, null);
    }

    private static void loop(ConvGeometry g, float[] x, float[] w, float[] y, int mode, float[] bias) {
        int oh = g.outHeight(), ow = g.outWidth(), cinG = g.inChannels() / g.groups(), coutG = g.outChannels() / g.groups();
        for (int n = 0; n < g.n(); n++) {
            for (int co = 0; co < g.outChannels(); co++) {
                int grp = co / coutG;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int yi = ((n * g.outChannels() + co) * oh + i) * ow + j;
                        double acc = bias != null ? bias[co] : 0;
                        for (int ci = 0; ci < cinG; ci++) {
                            int c = grp * cinG + ci;
                            for (int ki = 0; ki < g.kernelH(); ki++) {
                                int h = i * g.strideH() - g.padH() + ki * g.dilationH();
                                if (h < 0 || h >= g.height()) continue;
                                for (int kj = 0; kj < g.kernelW(); kj++) {
                                    int ww = j * g.strideW() - g.padW() + kj * g.dilationW();
                                    if (ww < 0 || ww >= g.width()) continue;
                                    int xi = ((n * g.inChannels() + c) * g.height() + h) * g.width() + ww;
                                    int wi = ((co * cinG + ci) * g.kernelH() + ki) * g.kernelW() + kj;
                                    if (mode == 0) acc += x[xi] * w[wi];
                                    else if (mode == 1) x[xi] += y[yi] * w[wi];
                                    else w[wi] += x[xi] * y[yi];
                                }
                            }
                        }
                        if (mode == 0) y[yi] = (float) acc;
                    }
                }
            }
        }
    }
}
