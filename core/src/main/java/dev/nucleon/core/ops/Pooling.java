package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Op;
import dev.nucleon.core.backend.PoolGeometry;
import dev.nucleon.core.Tensor;

/**
 * Max and average pooling over (N, C, H, W): {@code H_out = ⌊(H + 2·pad − k) / stride⌋ + 1}.
 * Max pooling sends each output's gradient to the first maximum of its window.
 */
public final class Pooling {

    private Pooling() {
    }

    /**
     * {@return the maximum of every kernel×kernel window of x (N, C, H, W), (N, C, H_out, W_out)}
     *
     * @param x       the input, rank 4
     * @param kernel  the window's height and width, ≥ 1
     * @param stride  the step between windows, ≥ 1
     * @param padding cells added on each side (never the maximum), 0 … kernel/2
     * @throws IllegalArgumentException when x is not rank 4 or empty, a size is out of range, or the padded input
     *                                  is smaller than the window
     */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        Convolution.requireRank4("max_pool2d", "input", x);
        PoolGeometry g = PoolGeometry.of(x.shape(), kernel, stride, padding, false);
        Tensor y = Tensor.empty(x.backend(), g.outputShape());
        x.backend().maxPool2d(g, x.storage(), y.storage());
        return Autograd.record(y, new Op.MaxPool2d(g), x);
    }

    /**
     * The mean of every kernel×kernel window of x (N, C, H, W); each input cell gets its share of every window's
     * gradient.
     *
     * @param x               the input, rank 4
     * @param kernel          the window's height and width, ≥ 1
     * @param stride          the step between windows, ≥ 1
     * @param padding         zero cells added on each side, 0 … kernel/2
     * @param countIncludePad divide by the full window including padded cells (PyTorch's default) rather
     *                        than by the cells inside the image
     * @return (N, C, H_out, W_out)
     * @throws IllegalArgumentException when x is not rank 4 or empty, a size is out of range, or the padded input
     *                                  is smaller than the window
     */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding, boolean countIncludePad) {
        Convolution.requireRank4("avg_pool2d", "input", x);
        PoolGeometry g = PoolGeometry.of(x.shape(), kernel, stride, padding, countIncludePad);
        Tensor y = Tensor.empty(x.backend(), g.outputShape());
        x.backend().avgPool2d(g, x.storage(), y.storage());
        return Autograd.record(y, new Op.AvgPool2d(g), x);
    }
}
