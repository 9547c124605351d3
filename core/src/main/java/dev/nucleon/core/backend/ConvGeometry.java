package dev.nucleon.core.backend;

import java.util.Arrays;

/**
 * The sizes of one 2-D convolution, shared by every backend's conv kernels.
 *
 * <p>Shapes (all contiguous, row-major):
 * <ul>
 *   <li>input {@code x}: (N, C_in, H, W)</li>
 *   <li>weight {@code w}: (C_out, C_in / groups, kH, kW)</li>
 *   <li>bias: (C_out)</li>
 *   <li>output {@code y}: (N, C_out, H_out, W_out) with
 *       {@code H_out = floor((H + 2·padH − dilationH·(kH − 1) − 1) / strideH) + 1}, and the same for W.</li>
 * </ul>
 * Output channel {@code co} of group {@code g = co / (C_out / groups)} sees input channels
 * {@code g·C_in/groups … (g+1)·C_in/groups − 1}.
 *
 * <p>A transposed convolution is the backward-data pass of the convolution whose <em>input</em> is the
 * transposed convolution's output; {@link #forTranspose} builds that geometry.
 *
 * @param n           N, the batch size (≥ 1)
 * @param inChannels  C_in (≥ 1, a multiple of groups)
 * @param height      H, the input height in pixels (≥ 1)
 * @param width       W, the input width in pixels (≥ 1)
 * @param outChannels C_out (≥ 1, a multiple of groups)
 * @param kernelH     kH (≥ 1)
 * @param kernelW     kW (≥ 1)
 * @param strideH     the vertical step (≥ 1)
 * @param strideW     the horizontal step (≥ 1)
 * @param padH        zero rows added above and below (≥ 0)
 * @param padW        zero columns added left and right (≥ 0)
 * @param dilationH   the vertical spacing of the kernel taps (≥ 1; 1 for a dense kernel)
 * @param dilationW   the horizontal spacing of the kernel taps (≥ 1)
 * @param groups      channel groups (≥ 1; 1 dense, C_in depthwise)
 */
public record ConvGeometry(int n, int inChannels, int height, int width,
                           int outChannels, int kernelH, int kernelW,
                           int strideH, int strideW, int padH, int padW,
                           int dilationH, int dilationW, int groups) {

    /**
     * Checks the sizes.
     *
     * @param n           N, the batch size (≥ 1)
     * @param inChannels  C_in (≥ 1, a multiple of groups)
     * @param height      H, the input height in pixels (≥ 1)
     * @param width       W, the input width in pixels (≥ 1)
     * @param outChannels C_out (≥ 1, a multiple of groups)
     * @param kernelH     kH (≥ 1)
     * @param kernelW     kW (≥ 1)
     * @param strideH     the vertical step (≥ 1)
     * @param strideW     the horizontal step (≥ 1)
     * @param padH        zero rows added above and below (≥ 0)
     * @param padW        zero columns added left and right (≥ 0)
     * @param dilationH   the vertical spacing of the kernel taps (≥ 1; 1 for a dense kernel)
     * @param dilationW   the horizontal spacing of the kernel taps (≥ 1)
     * @param groups      channel groups (≥ 1; 1 dense, C_in depthwise)
     * @throws IllegalArgumentException when a size that must be positive is not, a padding is negative, groups does
     *                                  not divide both channel counts, or the padded input is smaller than the
     *                                  dilated kernel (an empty output)
     */
    public ConvGeometry {
        requirePositive("batch", n);
        requirePositive("input channels", inChannels);
        requirePositive("input height", height);
        requirePositive("input width", width);
        requirePositive("output channels", outChannels);
        requirePositive("kernel height", kernelH);
        requirePositive("kernel width", kernelW);
        requirePositive("stride", Math.min(strideH, strideW));
        requirePositive("dilation", Math.min(dilationH, dilationW));
        requirePositive("groups", groups);
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: padding must be >= 0, got (" + padH + ", " + padW + ")");
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("conv2d: groups=" + groups + " must divide input channels ("
                    + inChannels + ") and output channels (" + outChannels + ")");
        }
        if (outSize(height, padH, kernelH, strideH, dilationH) < 1 || outSize(width, padW, kernelW, strideW, dilationW) < 1) {
            throw new IllegalArgumentException("conv2d: input " + height + "x" + width + " with padding (" + padH + ", "
                    + padW + ") is smaller than the dilated kernel " + ((kernelH - 1) * dilationH + 1) + "x"
                    + ((kernelW - 1) * dilationW + 1));
        }
    }

    /**
     * {@return the geometry of a square kernel with the same stride, padding and dilation in both directions}
     *
     * @param n           N, the batch size
     * @param inChannels  C_in
     * @param height      H, the input height
     * @param width       W, the input width
     * @param outChannels C_out
     * @param kernel      kH = kW
     * @param stride      the step in both directions
     * @param padding     zeros added on every side
     * @param dilation    the spacing of the kernel taps
     * @param groups      channel groups
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static ConvGeometry of(int n, int inChannels, int height, int width, int outChannels, int kernel,
                                  int stride, int padding, int dilation, int groups) {
        return new ConvGeometry(n, inChannels, height, width, outChannels, kernel, kernel,
                stride, stride, padding, padding, dilation, dilation, groups);
    }

    /**
     * The convolution whose backward-data pass is the transposed convolution with these sizes.
     * Transposed-conv output size: {@code H_out = (H − 1)·stride − 2·pad + dilation·(k − 1) + outputPadding + 1}.
     *
     * @param n           N, the batch size
     * @param inChannels  channels of the transposed conv's input (= the equivalent conv's output channels)
     * @param height      the transposed conv's input height H
     * @param width       the transposed conv's input width W
     * @param outChannels channels of the transposed conv's output (= the equivalent conv's input channels)
     * @param kernelH     kH
     * @param kernelW     kW
     * @param strideH     the vertical up-sampling step
     * @param strideW     the horizontal up-sampling step
     * @param padH        rows removed from the top and bottom of the output
     * @param padW        columns removed from the left and right of the output
     * @param outPadH     rows added at the bottom of the output, 0 … strideH − 1
     * @param outPadW     columns added at the right of the output, 0 … strideW − 1
     * @param dilationH   the vertical spacing of the kernel taps
     * @param dilationW   the horizontal spacing of the kernel taps
     * @param groups      channel groups
     * @return the equivalent convolution's geometry: its input (N, outChannels, H_out, W_out) is the transposed
     *         conv's output, its output (N, inChannels, H, W) the transposed conv's input
     * @throws IllegalArgumentException when an output padding is negative or not below its stride, the output would
     *                                  be empty, or a size fails the canonical constructor's checks
     */
    public static ConvGeometry forTranspose(int n, int inChannels, int height, int width, int outChannels,
                                            int kernelH, int kernelW, int strideH, int strideW,
                                            int padH, int padW, int outPadH, int outPadW,
                                            int dilationH, int dilationW, int groups) {
        // Output padding only picks among the input sizes that a stride-s convolution maps to the same output
        // size, so it must be below the stride; otherwise the equivalent convolution would not give back H × W.
        // (PyTorch also accepts output padding below the dilation; this geometry cannot represent that.)
        if (outPadH < 0 || outPadW < 0 || outPadH >= strideH || outPadW >= strideW) {
            throw new IllegalArgumentException("conv_transpose2d: output padding (" + outPadH + ", " + outPadW
                    + ") must be >= 0 and smaller than the stride (" + strideH + ", " + strideW + ")");
        }
        int outH = (height - 1) * strideH - 2 * padH + dilationH * (kernelH - 1) + outPadH + 1;
        int outW = (width - 1) * strideW - 2 * padW + dilationW * (kernelW - 1) + outPadW + 1;
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("conv_transpose2d: input " + height + "x" + width
                    + " gives an empty output " + outH + "x" + outW);
        }
        ConvGeometry g = new ConvGeometry(n, outChannels, outH, outW, inChannels, kernelH, kernelW,
                strideH, strideW, padH, padW, dilationH, dilationW, groups);
        if (g.outHeight() != height || g.outWidth() != width) {
            throw new IllegalStateException("conv_transpose2d: geometry mismatch " + g);
        }
        return g;
    }

    /** {@return H_out = ⌊(H + 2·padH − dilationH·(kH − 1) − 1) / strideH⌋ + 1, ≥ 1} */
    public int outHeight() {
        return outSize(height, padH, kernelH, strideH, dilationH);
    }

    /** {@return W_out = ⌊(W + 2·padW − dilationW·(kW − 1) − 1) / strideW⌋ + 1, ≥ 1} */
    public int outWidth() {
        return outSize(width, padW, kernelW, strideW, dilationW);
    }

    /** ⌊(size + 2·pad − dilation·(k − 1) − 1) / stride⌋ + 1, or ≤ 0 when the kernel does not fit. */
    private static int outSize(int size, int pad, int kernel, int stride, int dilation) {
        int span = size + 2 * pad - dilation * (kernel - 1) - 1;
        return span < 0 ? 0 : span / stride + 1;
    }

    /** {@return a new array (N, C_in, H, W)} */
    public int[] inputShape() {
        return new int[] {n, inChannels, height, width};
    }

    /** {@return a new array (C_out, C_in / groups, kH, kW)} */
    public int[] weightShape() {
        return new int[] {outChannels, inChannels / groups, kernelH, kernelW};
    }

    /** {@return a new array (N, C_out, H_out, W_out)} */
    public int[] outputShape() {
        return new int[] {n, outChannels, outHeight(), outWidth()};
    }

    /** {@return multiply-adds × 2 of the forward pass (the same count for each backward pass)} */
    public double flops() {
        return 2.0 * n * outChannels * (double) outHeight() * outWidth() * (inChannels / groups) * kernelH * kernelW;
    }

    private static void requirePositive(String what, int v) {
        if (v < 1) {
            throw new IllegalArgumentException("conv2d: " + what + " must be >= 1, got " + v);
        }
    }

    @Override
    public String toString() {
        return "conv2d(x=" + Arrays.toString(inputShape()) + ", w=" + Arrays.toString(weightShape())
                + ", stride=(" + strideH + "," + strideW + "), pad=(" + padH + "," + padW + "), dilation=("
                + dilationH + "," + dilationW + "), groups=" + groups + ") -> " + Arrays.toString(outputShape());
    }
}
