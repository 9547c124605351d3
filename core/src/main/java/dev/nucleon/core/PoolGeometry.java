package dev.nucleon.core;

/**
 * The sizes of one 2-D pooling window sweep over (N, C, H, W).
 * {@code H_out = floor((H + 2·padH − kH) / strideH) + 1} (and the same for W); padded cells never win a
 * max, and count toward an average only when {@code countIncludePad} (PyTorch's default; ONNX's is off).
 */
public record PoolGeometry(int n, int channels, int height, int width, int kernelH, int kernelW,
                           int strideH, int strideW, int padH, int padW, boolean countIncludePad) {

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

    public static PoolGeometry of(int[] inputShape, int kernel, int stride, int padding, boolean countIncludePad) {
        return new PoolGeometry(inputShape[0], inputShape[1], inputShape[2], inputShape[3], kernel, kernel,
                stride, stride, padding, padding, countIncludePad);
    }

    public int outHeight() {
        return (height + 2 * padH - kernelH) / strideH + 1;
    }

    public int outWidth() {
        return (width + 2 * padW - kernelW) / strideW + 1;
    }

    public int[] outputShape() {
        return new int[] {n, channels, outHeight(), outWidth()};
    }
}
