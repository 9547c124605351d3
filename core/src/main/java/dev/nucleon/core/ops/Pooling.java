package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.PoolGeometry;
import dev.nucleon.core.Tensor;

/**
 * Max and average pooling over (N, C, H, W): {@code H_out = ⌊(H + 2·pad − k) / stride⌋ + 1}.
 * Max pooling sends each output's gradient to the first maximum of its window.
 */
public final class Pooling {

    private Pooling() {
    }

    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        Convolution.requireRank4("max_pool2d", "input", x);
        PoolGeometry g = PoolGeometry.of(x.shape(), kernel, stride, padding, false);
        Tensor y = Tensor.empty(x.backend(), g.outputShape());
        x.backend().maxPool2d(g, x.storage(), y.storage());
        return Autograd.record(y, "max_pool2d", gy -> {
            Tensor gx = Tensor.zeros(x.backend(), x.shape());
            x.backend().maxPool2dBackward(g, x.storage(), gy.storage(), gx.storage());
            return new Tensor[] {gx};
        }, x);
    }

    /**
     * @param countIncludePad divide by the full window including padded cells (PyTorch's default) rather
     *                        than by the cells inside the image
     */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding, boolean countIncludePad) {
        Convolution.requireRank4("avg_pool2d", "input", x);
        PoolGeometry g = PoolGeometry.of(x.shape(), kernel, stride, padding, countIncludePad);
        Tensor y = Tensor.empty(x.backend(), g.outputShape());
        x.backend().avgPool2d(g, x.storage(), y.storage());
        return Autograd.record(y, "avg_pool2d", gy -> {
            Tensor gx = Tensor.zeros(x.backend(), x.shape());
            x.backend().avgPool2dBackward(g, gy.storage(), gx.storage());
            return new Tensor[] {gx};
        }, x);
    }
}
