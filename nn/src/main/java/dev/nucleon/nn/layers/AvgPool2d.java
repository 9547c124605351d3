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

    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0, true);
    }

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

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    public boolean countIncludePad() {
        return countIncludePad;
    }
}
