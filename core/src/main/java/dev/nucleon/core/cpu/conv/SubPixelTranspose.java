package dev.nucleon.core.cpu.conv;

import dev.nucleon.core.cpu.ArrayPool;
import dev.nucleon.core.cpu.Elementwise;
import dev.nucleon.core.cpu.Parallel;
import dev.nucleon.core.cpu.Workspace;
import dev.nucleon.core.cpu.gemm.SgemmKernel;

import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.Epilogue;

/**
 * Backward data of a strided convolution (the forward pass of a strided transposed convolution) as
 * {@code sH·sW} small stride-1 convolutions, one per output phase, run by {@link DirectConv} and interleaved
 * ("sub-pixel" convolution): no col2im scatter, no column buffer, and no multiply by a tap that does not
 * reach the phase.
 *
 * <h2>Derivation (one axis; the two axes are independent)</h2>
 * The convolution reads {@code x[o·s − p + k]} for output o and tap k, so its adjoint is
 * <pre>  gx[i] = Σ_{o, k : o·s − p + k = i} w[k] · gy[o]</pre>
 * Write {@code i = s·m + φ} with phase φ ∈ [0, s), and {@code φ + p = s·q + r} with 0 ≤ r &lt; s. The taps
 * that reach phase φ are {@code k = r + s·j} for j = 0 … J−1, {@code J = ⌈(k_size − r) / s⌉} (none when
 * r ≥ k_size), and they read {@code o = m + q − j}:
 * <pre>  gx[s·m + φ] = Σ_{j &lt; J} w[r + s·j] · gy[m + q − j] = Σ_{u &lt; J} v[u] · gy[m − P + u]</pre>
 * with {@code v[u] = w[r + s·(J − 1 − u)]} (the phase's taps, reversed) and {@code P = J − 1 − q}: a
 * stride-1 convolution of gy with padding P before (negative: a crop, see {@link DirectConv.Window}) and
 * {@code M = ⌈(H − φ) / s⌉} outputs, gy read as zero outside [0, H_out). In 2-D the phase (φh, φw) has a
 * Jh × Jw kernel whose channels are w's transposed: phase output channel = gx channel ci, input = gy
 * channel co, {@code v[ci, co, uh, uw] = w[co, ci, rh + sH·(Jh−1−uh), rw + sW·(Jw−1−uw)]} within each group.
 *
 * <p>Example: the U-Net up-sampling that replaces nearest ×2 + 2×2 conv (k = 3, s = 2, p = 1, output padding 1)
 * has phases of 1×1, 1×2, 2×1 and 2×2 taps: 9 multiply-adds per input pixel and channel pair, where GEMM +
 * col2im computes all 9 too but then scatters them, and the up-sampled 2×2 conv computes 16.
 *
 * <p>Each phase is computed whole into its own (N, C_in, M_h, M_w) array (from {@link ArrayPool#SHARED}, and
 * back to it after); one parallel pass then interleaves the phases into y, adding the bias and applying the
 * epilogue row by row.
 */
final class SubPixelTranspose {

    private SubPixelTranspose() {
    }

    /**
     * Images at least this wide (the transposed convolution's input, gy) take this path. Narrower ones go to
     * GEMM + col2im, which wins there: per call this path packs the weights of every phase and copies the input
     * band once per channel chunk, which small images do not amortise. Measured on the U-Net up-samplings
     * (2 threads, AVX-512, batch 1): GEMM + col2im / sub-pixel = 1.2 / 2.8 ms at 16², 1.6 / 1.7 ms at 32²,
     * 2.2 / 1.6 ms at 64², 3.6 / 1.8 ms at 128².
     */
    static final int MIN_WIDTH = 48;

    /** Stride above 1 on some axis, no dilation: the phases are stride-1 convolutions. */
    static boolean supports(ConvGeometry g) {
        return (g.strideH() > 1 || g.strideW() > 1) && g.dilationH() == 1 && g.dilationW() == 1;
    }

    /** Whether {@link ConvKernels#transpose} takes this path for {@code g}: supported and wide enough. */
    static boolean preferred(ConvGeometry g) {
        return supports(g) && g.outWidth() >= MIN_WIDTH;
    }

    /** Same contract as {@link ConvKernels#transpose}; sizes already checked, {@code g} {@link #supports supported}. */
    static void compute(SgemmKernel kernel, ConvGeometry g, float[] x, float[] w, float[] bias, float[] y,
                        Epilogue epilogue) {
        int sh = g.strideH();
        int sw = g.strideW();
        int channels = g.inChannels();
        int height = g.height();
        int width = g.width();
        int[] rowsOf = new int[sh];
        int[] colsOf = new int[sw];
        float[][] phases = new float[sh * sw][];
        for (int ph = 0; ph < sh; ph++) {
            Axis rows = new Axis(ph, sh, g.padH(), g.kernelH(), height);
            rowsOf[ph] = rows.outputs;
            for (int pw = 0; pw < sw; pw++) {
                Axis cols = new Axis(pw, sw, g.padW(), g.kernelW(), width);
                colsOf[pw] = cols.outputs;
                if (rows.outputs == 0 || cols.outputs == 0 || rows.taps == 0 || cols.taps == 0) {
                    continue; // no output, or no tap reaches this phase: it is zero (plus bias)
                }
                DirectConv.Window window = new DirectConv.Window(g.n(), g.outChannels(), g.outHeight(), g.outWidth(),
                        channels, rows.taps, cols.taps, rows.padBefore, cols.padBefore, rows.outputs, cols.outputs,
                        1, 1, g.groups());
                float[] phase = ArrayPool.SHARED.takeOrNew(g.n() * channels * rows.outputs * cols.outputs);
                DirectConvKernel direct = DirectConvKernel.matching(kernel, channels / g.groups());
                DirectConv.forwardPacked(direct, window, x, packPhase(g, w, rows, cols, direct.mr()), null, phase,
                        Epilogue.NONE);
                phases[ph * sw + pw] = phase;
            }
        }
        Parallel.range(g.n() * channels * height, 8, (from, to) -> {
            for (int line = from; line < to; line++) {
                int i = line % height;
                int plane = line / height; // n·C_in + c
                int ph = i % sh;
                int m = i / sh;
                float b = bias == null ? 0f : bias[plane % channels];
                int dst = line * width;
                if (sw == 2 && phases[ph * 2] != null && phases[ph * 2 + 1] != null) {
                    // the common case (×2 up-sampling) in one sequential sweep of the output row
                    float[] even = phases[ph * 2];
                    float[] odd = phases[ph * 2 + 1];
                    int e = (plane * rowsOf[ph] + m) * colsOf[0];
                    int o = (plane * rowsOf[ph] + m) * colsOf[1];
                    int pairs = colsOf[1];
                    for (int j = 0; j < pairs; j++) {
                        y[dst + 2 * j] = even[e + j] + b;
                        y[dst + 2 * j + 1] = odd[o + j] + b;
                    }
                    if (colsOf[0] > pairs) { // odd width: one more even column
                        y[dst + 2 * pairs] = even[e + pairs] + b;
                    }
                    Elementwise.apply(epilogue, y, dst, dst + width);
                    continue;
                }
                for (int pw = 0; pw < sw; pw++) {
                    float[] phase = phases[ph * sw + pw];
                    int count = colsOf[pw];
                    if (phase == null) {
                        for (int j = 0; j < count; j++) {
                            y[dst + pw + j * sw] = b;
                        }
                    } else {
                        int src = (plane * rowsOf[ph] + m) * count;
                        for (int j = 0; j < count; j++) {
                            y[dst + pw + j * sw] = phase[src + j] + b;
                        }
                    }
                }
                Elementwise.apply(epilogue, y, dst, dst + width);
            }
        });
        for (float[] phase : phases) {
            if (phase != null) {
                ArrayPool.SHARED.give(phase);
            }
        }
    }

    /** One axis of one phase: its taps J, padding before P and outputs M (see the class comment). */
    private static final class Axis {
        final int firstTap;
        final int taps;
        final int padBefore;
        final int outputs;

        Axis(int phase, int stride, int pad, int kernel, int size) {
            int q = Math.floorDiv(phase + pad, stride);
            firstTap = Math.floorMod(phase + pad, stride);
            taps = firstTap < kernel ? (kernel - firstTap + stride - 1) / stride : 0;
            padBefore = taps - 1 - q;
            outputs = phase < size ? (size - phase + stride - 1) / stride : 0;
        }
    }

    /**
     * The phase's weights {@code v[ci, co, uh, uw] = w[co, ci, rh + sH·(Jh−1−uh), rw + sW·(Jw−1−uw)]} (within each
     * group), straight in {@link DirectConv#forwardPacked}'s layout: output channel ci in blocks of mr, tap
     * {@code k = (co·Jh + uh)·Jw + uw}. Loops run along w's rows (w can be larger than L2; this is read once).
     */
    private static float[] packPhase(ConvGeometry g, float[] w, Axis rows, Axis cols, int mr) {
        int groups = g.groups();
        int cinG = g.inChannels() / groups;
        int coutG = g.outChannels() / groups;
        int kk = g.kernelH() * g.kernelW();
        int jh = rows.taps;
        int jw = cols.taps;
        int taps = coutG * jh * jw;
        int blocks = (cinG + mr - 1) / mr;
        float[] packed = Workspace.current().directWeights(groups * blocks * taps * mr);
        for (int group = 0; group < groups; group++) {
            for (int co = 0; co < coutG; co++) {
                int row = (group * coutG + co) * cinG * kk; // w[co, ·, ·, ·]
                for (int uh = 0; uh < jh; uh++) {
                    for (int uw = 0; uw < jw; uw++) {
                        int tap = (rows.firstTap + g.strideH() * (jh - 1 - uh)) * g.kernelW()
                                + cols.firstTap + g.strideW() * (jw - 1 - uw);
                        int k = (co * jh + uh) * jw + uw;
                        for (int blk = 0; blk < blocks; blk++) {
                            int dst = ((group * blocks + blk) * taps + k) * mr;
                            for (int i = 0; i < mr; i++) {
                                int ci = blk * mr + i;
                                packed[dst + i] = ci < cinG ? w[row + ci * kk + tap] : 0f;
                            }
                        }
                    }
                }
            }
        }
        return packed;
    }
}
