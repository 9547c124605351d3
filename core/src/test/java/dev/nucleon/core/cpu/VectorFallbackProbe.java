package dev.nucleon.core.cpu;

import dev.nucleon.core.cpu.conv.ConvKernels;
import dev.nucleon.core.cpu.conv.DirectConvKernel;
import dev.nucleon.core.cpu.conv.ScalarDirectConvKernel;
import dev.nucleon.core.cpu.gemm.ScalarSgemmKernel;
import dev.nucleon.core.cpu.gemm.Sgemm;
import dev.nucleon.core.cpu.gemm.SgemmKernel;

import dev.nucleon.core.backend.ConvGeometry;

import java.util.Random;

/**
 * Run by {@link VectorFallbackTest} in a JVM started <em>without</em> {@code jdk.incubator.vector}: checks
 * that the CPU kernels pick the scalar micro-kernel and compute correct results, which also proves no
 * Vector API class gets loaded (it would throw NoClassDefFoundError). Prints one line per check and
 * exits non-zero on the first failure.
 */
final class VectorFallbackProbe {

    private VectorFallbackProbe() {
    }

    public static void main(String[] args) {
        System.out.println("vector: " + VectorSupport.describe());
        System.out.println("kernel: " + SgemmKernel.preferred());
        System.out.println("direct conv kernel: " + DirectConvKernel.preferred());
        if (VectorSupport.isAvailable() || SgemmKernel.preferred() != ScalarSgemmKernel.INSTANCE
                || DirectConvKernel.preferred() != ScalarDirectConvKernel.INSTANCE) {
            fail("expected the scalar fallback");
        }
        Random random = new Random(1);
        int m = 260, n = 250, k = 130; // large enough to be split over threads
        float[] a = random(random, m * k), b = random(random, k * n), c = new float[m * n];
        Sgemm.multiply(false, true, m, n, k, a, 0, b, 0, c, 0, false);
        double worst = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[i * k + p] * b[j * k + p];
                }
                worst = Math.max(worst, Math.abs(s - c[i * n + j]));
            }
        }
        System.out.println("sgemm max error: " + worst);
        if (!(worst < 1e-3)) {
            fail("sgemm result wrong");
        }
        ConvGeometry g = ConvGeometry.of(2, 4, 20, 20, 6, 3, 1, 1, 1, 2); // stride 1: the direct path
        if (!ConvKernels.usesDirect(g)) {
            fail("expected the direct convolution path");
        }
        float[] x = random(random, 2 * 4 * 400), w = random(random, 6 * 2 * 9);
        float[] y = new float[2 * 6 * 400], gx = new float[x.length], gw = new float[w.length];
        ConvKernels.forward(g, x, w, null, y);
        ConvKernels.backwardData(g, y, w, gx);
        ConvKernels.backwardWeight(g, x, y, gw);
        double yy = 0, xgx = 0, wgw = 0;
        for (int i = 0; i < y.length; i++) {
            yy += (double) y[i] * y[i];
        }
        for (int i = 0; i < x.length; i++) {
            xgx += (double) x[i] * gx[i];
        }
        for (int i = 0; i < w.length; i++) {
            wgw += (double) w[i] * gw[i];
        }
        // adjoint identity with gy = y: ⟨y, y⟩ = ⟨x, gx⟩ = ⟨w, gw⟩
        System.out.println("conv ⟨y,y⟩=" + yy + " ⟨x,gx⟩=" + xgx + " ⟨w,gw⟩=" + wgw);
        if (!(Math.abs(yy - xgx) < 1e-4 * yy && Math.abs(yy - wgw) < 1e-4 * yy)) {
            fail("conv passes are not adjoint");
        }
        System.out.println("OK");
    }

    private static float[] random(Random random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextFloat() * 2 - 1;
        }
        return a;
    }

    private static void fail(String why) {
        System.out.println("FAILED: " + why);
        System.exit(1);
    }
}
