package dev.nucleon.nn.layers;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializer;
import dev.nucleon.nn.init.Initializers;

/**
 * A residual block {@code y = activation(body(x) + shortcut(x))} (He et al. 2016). Children: {@code body},
 * {@code shortcut} (an {@link Identity} unless given) and {@code activation} (Identity unless given). body
 * and shortcut must produce the same shape; that is the output shape.
 *
 * <p>{@link #basic(int, int, int)} builds ResNet-18/34's basic block: conv3×3(stride)–BN–ReLU–conv3×3–BN,
 * with a conv1×1(stride)–BN projection shortcut when the stride or the channel count changes, then ReLU:
 * x (N, C_in, H, W) → (N, C_out, ⌈H/stride⌉, ⌈W/stride⌉).
 *
 * <p>{@link #bottleneck(int, int, int)} builds ResNet-50/101/152's bottleneck block (torchvision's "v1.5",
 * stride on the 3×3 conv): conv1×1–BN–ReLU–conv3×3(stride)–BN–ReLU–conv1×1–BN expanding to
 * {@value #BOTTLENECK_EXPANSION}·width channels, with the same projection shortcut rule, then ReLU:
 * x (N, C_in, H, W) → (N, 4·width, ⌈H/stride⌉, ⌈W/stride⌉).
 */
public final class Residual extends Module {

    private final Module body;
    private final Module shortcut;
    private final Module activation;

    /**
     * {@code y = body(x) + x}.
     *
     * @param body the residual branch; its output has the input's shape
     */
    public Residual(Module body) {
        this(body, new Identity(), new Identity());
    }

    /**
     * {@code y = activation(body(x) + shortcut(x))}.
     *
     * @param body       the residual branch
     * @param shortcut   the skip branch, giving body's output shape
     * @param activation applied to the sum
     */
    public Residual(Module body, Module shortcut, Module activation) {
        this.body = registerModule("body", body);
        this.shortcut = registerModule("shortcut", shortcut);
        this.activation = registerModule("activation", activation);
    }

    /**
     * ResNet's basic block (convolutions without bias, since batch norm follows them).
     *
     * @param stride 1, or 2 to halve the resolution
     * @param inChannels  C_in
     * @param outChannels C_out
     * @return the block, kernels Glorot-uniform
     */
    public static Residual basic(int inChannels, int outChannels, int stride) {
        return basic(inChannels, outChannels, stride, Initializers.glorotUniform());
    }

    /**
     * {@return {@link #basic(int, int, int)} with the convolutions' kernels drawn from {@code kernelInit}}
     *
     * @param inChannels  C_in
     * @param outChannels C_out
     * @param stride      1, or 2 to halve the resolution
     * @param kernelInit  the convolution kernels' initialiser
     */
    public static Residual basic(int inChannels, int outChannels, int stride, Initializer kernelInit) {
        Sequential body = new Sequential(
                Conv2d.builder(inChannels, outChannels, 3).stride(stride).padding(1).bias(false)
                        .kernelInitializer(kernelInit).build(),
                new BatchNorm2d(outChannels),
                new ReLU(),
                Conv2d.builder(outChannels, outChannels, 3).padding(1).bias(false).kernelInitializer(kernelInit).build(),
                new BatchNorm2d(outChannels));
        return new Residual(body, projection(inChannels, outChannels, stride, kernelInit), new ReLU());
    }

    /** Output channels of a bottleneck block per unit of width. */
    public static final int BOTTLENECK_EXPANSION = 4;

    /**
     * ResNet's bottleneck block (convolutions without bias): 1×1 reduce to {@code width}, 3×3 with the
     * stride, 1×1 expand to {@code 4·width}.
     *
     * @param stride 1, or 2 to halve the resolution
     * @param inChannels C_in
     * @param width      the inner width; the block gives 4·width channels
     * @return the block, kernels Glorot-uniform
     */
    public static Residual bottleneck(int inChannels, int width, int stride) {
        return bottleneck(inChannels, width, stride, Initializers.glorotUniform());
    }

    /**
     * {@return {@link #bottleneck(int, int, int)} with the convolutions' kernels drawn from {@code kernelInit}}
     *
     * @param inChannels C_in
     * @param width      the inner width; the block gives 4·width channels
     * @param stride     1, or 2 to halve the resolution
     * @param kernelInit the convolution kernels' initialiser
     */
    public static Residual bottleneck(int inChannels, int width, int stride, Initializer kernelInit) {
        int out = BOTTLENECK_EXPANSION * width;
        Sequential body = new Sequential(
                Conv2d.builder(inChannels, width, 1).bias(false).kernelInitializer(kernelInit).build(),
                new BatchNorm2d(width),
                new ReLU(),
                Conv2d.builder(width, width, 3).stride(stride).padding(1).bias(false).kernelInitializer(kernelInit)
                        .build(),
                new BatchNorm2d(width),
                new ReLU(),
                Conv2d.builder(width, out, 1).bias(false).kernelInitializer(kernelInit).build(),
                new BatchNorm2d(out));
        return new Residual(body, projection(inChannels, out, stride, kernelInit), new ReLU());
    }

    /** Identity when shapes agree, else conv1×1(stride, no bias)–BN. */
    private static Module projection(int inChannels, int outChannels, int stride, Initializer kernelInit) {
        return stride == 1 && inChannels == outChannels ? new Identity()
                : new Sequential(Conv2d.builder(inChannels, outChannels, 1).stride(stride).bias(false)
                        .kernelInitializer(kernelInit).build(), new BatchNorm2d(outChannels));
    }

    @Override
    protected Tensor compute(Tensor x) {
        return activation.forward(body.forward(x).add(shortcut.forward(x)));
    }
}
