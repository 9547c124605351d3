package dev.nucleon.core.backend;

/**
 * The sizes of one 2-D pooling window sweep over (N, C, H, W).
 * {@code H_out = floor((H + 2·padH − kH) / strideH) + 1} (and the same for W); padded cells never win a
 * max, and count toward an average only when {@code countIncludePad} (PyTorch's default; ONNX's is off).
 *
 * @param n               N, the batch size (≥ 1)
 * @param channels        C (≥ 1)
 * @param height          H, the input height in pixels (≥ 1)
 * @param width           W, the input width in pixels (≥ 1)
 * @param kernelH         the window height (≥ 1)
 * @param kernelW         the window width (≥ 1)
 * @param strideH         the vertical step (≥ 1)
 * @param strideW         the horizontal step (≥ 1)
 * @param padH            rows added above and below, 0 … kernelH / 2
 * @param padW            columns added left and right, 0 … kernelW / 2
 * @param countIncludePad whether an average divides by the whole window, padded cells included
 */
public record PoolGeometry(int n, int channels, int height, int width, int kernelH, int kernelW,
                           int strideH, int strideW, int padH, int padW, boolean countIncludePad) {

    /**
     * Checks the sizes.
     *
     * @param n               N, the batch size (≥ 1)
     * @param channels        C (≥ 1)
     * @param height          H, the input height in pixels (≥ 1)
     * @param width           W, the input width in pixels (≥ 1)
     * @param kernelH         the window height (≥ 1)
     * @param kernelW         the window width (≥ 1)
     * @param strideH         the vertical step (≥ 1)
     * @param strideW         the horizontal step (≥ 1)
     * @param padH            rows added above and below, 0 … kernelH / 2
     * @param padW            columns added left and right, 0 … kernelW / 2
     * @param countIncludePad whether an average divides by the whole window, padded cells included
     * @throws IllegalArgumentException when the input is empty, a kernel or stride is below 1, a padding is negative
     *                                  or more than half its kernel, or the padded input is smaller than the kernel
     */
    public PoolGeometry {
        if (n < 1 || channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("pool2d: empty input (" + n + ", " + channels + ", " + height + ", " + width + ")");
        }
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("pool2d: kernel and stride must be >= 1, got kernel (" + kernelH + ", "
                    + kernelW + ") stride (" + strideH + ", " + strideW + ")");
        }
        if (padH < 0 || padW < 0 || 2 * padH > kernelH || 2 * padW > kernelW) {
            throw new IllegalArgumentException("pool2d: padding (" + padH + ", " + padW
                    + ") must be >= 0 and at most half the kernel (" + kernelH + ", " + kernelW + ")");
        }
        if (height + 2 * padH < kernelH || width + 2 * padW < kernelW) {
            throw new IllegalArgumentException("pool2d: input " + height + "x" + width + " is smaller than the kernel "
                    + kernelH + "x" + kernelW);
        }
    }

    /**
     * {@return the geometry of a square window with the same stride and padding in both directions}
     *
     * @param inputShape      (N, C, H, W)
     * @param kernel          the window's height and width
     * @param stride          the step in both directions
     * @param padding         cells added on every side
     * @param countIncludePad whether an average divides by the whole window, padded cells included
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static PoolGeometry of(int[] inputShape, int kernel, int stride, int padding, boolean countIncludePad) {
        return new PoolGeometry(inputShape[0], inputShape[1], inputShape[2], inputShape[3], kernel, kernel,
                stride, stride, padding, padding, countIncludePad);
    }

    /** {@return H_out = ⌊(H + 2·padH − kH) / strideH⌋ + 1} */
    public int outHeight() {
        return (height + 2 * padH - kernelH) / strideH + 1;
    }

    /** {@return W_out = ⌊(W + 2·padW − kW) / strideW⌋ + 1} */
    public int outWidth() {
        return (width + 2 * padW - kernelW) / strideW + 1;
    }

    /** {@return a new array (N, C, H_out, W_out)} */
    public int[] outputShape() {
        return new int[] {n, channels, outHeight(), outWidth()};
    }
}
