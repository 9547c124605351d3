package dev.nucleon.nn.layers;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Pooling;
import dev.nucleon.nn.Module;

/**
 * Mean over k×k windows: x (N, C, H, W) → (N, C, H_out, W_out),
 * {@code H_out = ⌊(H + 2·padding − k) / stride⌋ + 1}. Default stride = kernel, no padding. With padding,
 * {@code countIncludePad} (default true, PyTorch's) divides by k² even where the window overlaps padding.
 */
public final class AvgPool2d extends Module {

    private final int kernel;
    private final int stride;
    private final int padding;
    private final boolean countIncludePad;

    /**
     * Non-overlapping k×k windows (stride = kernel), no padding.
     *
     * @param kernel the window side k, ≥ 1
     * @throws IllegalArgumentException when a size is not positive
     */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0, true);
    }

    /**
     * Average pooling with every setting given.
     *
     * @param kernel          the window side k, ≥ 1
     * @param stride          the window step, ≥ 1
     * @param padding         zeros added on each side, ≥ 0
     * @param countIncludePad whether padded zeros count in the divisor
     * @throws IllegalArgumentException when a size is not positive
     */
    public AvgPool2d(int kernel, int stride, int padding, boolean countIncludePad) {
        Conv2d.requirePositive("kernel", kernel);
        Conv2d.requirePositive("stride", stride);
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.countIncludePad = countIncludePad;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return Pooling.avgPool2d(x, kernel, stride, padding, countIncludePad);
    }

    @Override
    protected String extraRepr() {
        return "kernel=" + kernel + ", stride=" + stride + (padding != 0 ? ", padding=" + padding : "");
    }

    /** {@return the window side k} */
    public int kernel() {
        return kernel;
    }

    /** {@return the window step} */
    public int stride() {
        return stride;
    }

    /** {@return the zero padding on each side} */
    public int padding() {
        return padding;
    }

    /** {@return whether padded zeros count in the divisor} */
    public boolean countIncludePad() {
        return countIncludePad;
    }
}
