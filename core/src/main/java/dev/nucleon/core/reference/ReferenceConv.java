package dev.nucleon.core.reference;

/**
 * 2-D convolution (cross-correlation), its two gradients and the transposed convolution, in double precision,
 * each written straight from its definition as nested loops: the specification. The CPU kernels
 * ({@code ConvKernelsTest}, {@code DirectConvTest}) and every backend's convolution (through
 * {@code BackendConformanceSuite}) are tested against these loops; the reference backend itself runs the
 * composed im2col + GEMM of {@code dev.nucleon.core.composed.ComposedConvolution}, so the two are independent.
 * The transposed convolution is written as a <em>scatter</em> — every input pixel adds {@code x · w} into the
 * output pixels its kernel covers — not by calling the convolution, so it checks our transposed convolution
 * (which reuses the conv kernels) independently. See {@code docs/anatomy-of-conv2d.md}.
 *
 * <p>Layouts as PyTorch: conv weight (C_out, C_in/groups, kH, kW); transposed-conv weight
 * (C_in, C_out/groups, kH, kW). Arrays {@code {h, w}} give stride, padding, dilation, output padding.
 */
public final class ReferenceConv {

    private ReferenceConv() {
    }

    /**
     * {@return the output shape (N, C_out, H_out, W_out), H_out = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1}
     *
     * @param xShape   (N, C_in, H, W)
     * @param wShape   (C_out, C_in/groups, kH, kW)
     * @param stride   (vertical, horizontal) step
     * @param pad      (vertical, horizontal) padding on each side
     * @param dilation (vertical, horizontal) spacing of the kernel taps
     */
    public static int[] conv2dShape(int[] xShape, int[] wShape, int[] stride, int[] pad, int[] dilation) {
        return new int[] {xShape[0], wShape[0],
                (xShape[2] + 2 * pad[0] - dilation[0] * (wShape[2] - 1) - 1) / stride[0] + 1,
                (xShape[3] + 2 * pad[1] - dilation[1] * (wShape[3] - 1) - 1) / stride[1] + 1};
    }

    /**
     * y[n, co, i, j] = b[co] + Σ_{ci in group, ki, kj} x[n, ci, i·s − p + ki·d, j·s − p + kj·d] · w[co, ci', ki, kj].
     *
     * @param x        the input values
     * @param xShape   (N, C_in, H, W)
     * @param w        the weight values
     * @param wShape   (C_out, C_in/groups, kH, kW)
     * @param bias     C_out values, or null
     * @param stride   (vertical, horizontal) step
     * @param pad      (vertical, horizontal) padding on each side
     * @param dilation (vertical, horizontal) spacing of the kernel taps
     * @param groups   channel groups
     * @return y, of {@link #conv2dShape}
     */
    public static double[] conv2d(double[] x, int[] xShape, double[] w, int[] wShape, double[] bias,
                                  int[] stride, int[] pad, int[] dilation, int groups) {
        int[] ys = conv2dShape(xShape, wShape, stride, pad, dilation);
        int n = xShape[0], cin = xShape[1], h = xShape[2], wd = xShape[3];
        int cout = wShape[0], cinG = wShape[1], kh = wShape[2], kw = wShape[3];
        int coutG = cout / groups;
        double[] y = new double[ys[0] * ys[1] * ys[2] * ys[3]];
        for (int b = 0; b < n; b++) {
            for (int co = 0; co < cout; co++) {
                int g = co / coutG;
                for (int i = 0; i < ys[2]; i++) {
                    for (int j = 0; j < ys[3]; j++) {
                        double s = bias == null ? 0 : bias[co];
                        for (int cl = 0; cl < cinG; cl++) {
                            int ci = g * cinG + cl;
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    int hi = i * stride[0] - pad[0] + ki * dilation[0];
                                    int wi = j * stride[1] - pad[1] + kj * dilation[1];
                                    if (hi >= 0 && hi < h && wi >= 0 && wi < wd) {
                                        s += x[((b * cin + ci) * h + hi) * wd + wi] * w[((co * cinG + cl) * kh + ki) * kw + kj];
                                    }
                                }
                            }
                        }
                        y[((b * cout + co) * ys[2] + i) * ys[3] + j] = s;
                    }
                }
            }
        }
        return y;
    }

    /**
     * The two gradients of L = ⟨conv2d(x, w), gy⟩ (gy has conv2d's output shape), by the same loop as
     * {@link #conv2d}: every product x[xi]·w[wi] that went into y[yi] sends gy[yi]·w[wi] back to gx[xi] and
     * gy[yi]·x[xi] to gw[wi]. Returns {gx, gw}.
     *
     * @param x        the input values
     * @param xShape   (N, C_in, H, W)
     * @param w        the weight values
     * @param wShape   (C_out, C_in/groups, kH, kW)
     * @param gy       ∂L/∂y, of {@link #conv2dShape}
     * @param stride   (vertical, horizontal) step
     * @param pad      (vertical, horizontal) padding on each side
     * @param dilation (vertical, horizontal) spacing of the kernel taps
     * @param groups   channel groups
     * @return {gx (x's shape), gw (w's shape)}
     */
    public static double[][] conv2dBackward(double[] x, int[] xShape, double[] w, int[] wShape, double[] gy,
                                            int[] stride, int[] pad, int[] dilation, int groups) {
        int[] ys = conv2dShape(xShape, wShape, stride, pad, dilation);
        int n = xShape[0], cin = xShape[1], h = xShape[2], wd = xShape[3];
        int cout = wShape[0], cinG = wShape[1], kh = wShape[2], kw = wShape[3];
        int coutG = cout / groups;
        double[] gx = new double[x.length];
        double[] gw = new double[w.length];
        for (int b = 0; b < n; b++) {
            for (int co = 0; co < cout; co++) {
                int g = co / coutG;
                for (int i = 0; i < ys[2]; i++) {
                    for (int j = 0; j < ys[3]; j++) {
                        double gyv = gy[((b * cout + co) * ys[2] + i) * ys[3] + j];
                        for (int cl = 0; cl < cinG; cl++) {
                            int ci = g * cinG + cl;
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    int hi = i * stride[0] - pad[0] + ki * dilation[0];
                                    int wi = j * stride[1] - pad[1] + kj * dilation[1];
                                    if (hi >= 0 && hi < h && wi >= 0 && wi < wd) {
                                        int xi = ((b * cin + ci) * h + hi) * wd + wi;
                                        int wIndex = ((co * cinG + cl) * kh + ki) * kw + kj;
                                        gx[xi] += gyv * w[wIndex];
                                        gw[wIndex] += gyv * x[xi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {gx, gw};
    }

    /**
     * {@return the output shape (N, C_out, H_out, W_out), H_out = (H − 1)·s − 2p + d(k − 1) + outputPadding + 1,
     * C_out = wShape[1]·groups}
     *
     * @param xShape   (N, C_in, H, W)
     * @param wShape   (C_in, C_out/groups, kH, kW)
     * @param stride   (vertical, horizontal) step
     * @param pad      (vertical, horizontal) padding on each side
     * @param outPad   (vertical, horizontal) output padding, added to H_out and W_out
     * @param dilation (vertical, horizontal) spacing of the kernel taps
     * @param groups   channel groups
     */
    public static int[] convTranspose2dShape(int[] xShape, int[] wShape, int[] stride, int[] pad, int[] outPad,
                                             int[] dilation, int groups) {
        return new int[] {xShape[0], wShape[1] * groups,
                (xShape[2] - 1) * stride[0] - 2 * pad[0] + dilation[0] * (wShape[2] - 1) + outPad[0] + 1,
                (xShape[3] - 1) * stride[1] - 2 * pad[1] + dilation[1] * (wShape[3] - 1) + outPad[1] + 1};
    }

    /**
     * Scatter: y[n, co, i·s − p + ki·d, j·s − p + kj·d] += x[n, ci, i, j] · w[ci, co', ki, kj], then + b[co].
     *
     * @param x        the input values
     * @param xShape   (N, C_in, H, W)
     * @param w        the weight values
     * @param wShape   (C_in, C_out/groups, kH, kW)
     * @param bias     C_out values, or null
     * @param stride   (vertical, horizontal) step
     * @param pad      (vertical, horizontal) padding on each side
     * @param outPad   (vertical, horizontal) output padding, added to H_out and W_out
     * @param dilation (vertical, horizontal) spacing of the kernel taps
     * @param groups   channel groups
     * @return y, of {@link #convTranspose2dShape}
     */
    public static double[] convTranspose2d(double[] x, int[] xShape, double[] w, int[] wShape, double[] bias,
                                           int[] stride, int[] pad, int[] outPad, int[] dilation, int groups) {
        int[] ys = convTranspose2dShape(xShape, wShape, stride, pad, outPad, dilation, groups);
        int n = xShape[0], cin = xShape[1], h = xShape[2], wd = xShape[3];
        int coutG = wShape[1], kh = wShape[2], kw = wShape[3];
        int cinG = cin / groups;
        int cout = ys[1], oh = ys[2], ow = ys[3];
        double[] y = new double[ys[0] * ys[1] * ys[2] * ys[3]];
        for (int b = 0; b < n; b++) {
            for (int ci = 0; ci < cin; ci++) {
                int g = ci / cinG;
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < wd; j++) {
                        double xv = x[((b * cin + ci) * h + i) * wd + j];
                        for (int cl = 0; cl < coutG; cl++) {
                            int co = g * coutG + cl;
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    int yi = i * stride[0] - pad[0] + ki * dilation[0];
                                    int yj = j * stride[1] - pad[1] + kj * dilation[1];
                                    if (yi >= 0 && yi < oh && yj >= 0 && yj < ow) {
                                        y[((b * cout + co) * oh + yi) * ow + yj] += xv * w[((ci * coutG + cl) * kh + ki) * kw + kj];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if (bias != null) {
            for (int i = 0; i < y.length; i++) {
                y[i] += bias[(i / (oh * ow)) % cout];
            }
        }
        return y;
    }
}
