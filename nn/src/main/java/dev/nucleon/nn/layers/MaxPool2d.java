package dev.nucleon.nn.layers;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Pooling;
import dev.nucleon.nn.Module;

/**
 * Maximum over k×k windows: x (N, C, H, W) → (N, C, H_out, W_out),
 * {@code H_out = ⌊(H + 2·padding − k) / stride⌋ + 1}. Default stride = kernel, no padding (so
 * {@code MaxPool2d(2)} halves H and W, dropping an odd last row/column as Keras's "valid" does).
 */
public final class MaxPool2d extends Module {

    private final int kernel;
    private final int stride;
    private final int padding;

    /**
     * Non-overlapping k×k windows (stride = kernel), no padding.
     *
     * @param kernel the window side k, ≥ 1
     * @throws IllegalArgumentException when a size is not positive
     */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    /**
     * Max pooling with every setting given.
     *
     * @param kernel  the window side k, ≥ 1
     * @param stride  the window step, ≥ 1
     * @param padding padding on each side, ≥ 0 (never chosen as the maximum)
     * @throws IllegalArgumentException when a size is not positive
     */
    public MaxPool2d(int kernel, int stride, int padding) {
        Conv2d.requirePositive("kernel", kernel);
        Conv2d.requirePositive("stride", stride);
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return Pooling.maxPool2d(x, kernel, stride, padding);
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

    /** {@return the padding on each side} */
    public int padding() {
        return padding;
    }
}
