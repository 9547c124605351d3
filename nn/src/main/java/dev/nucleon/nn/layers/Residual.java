package dev.nucleon.nn.layers;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;

/**
 * A residual block {@code y = activation(body(x) + shortcut(x))} (He et al. 2016). Children: {@code body},
 * {@code shortcut} (an {@link Identity} unless given) and {@code activation} (Identity unless given). body
 * and shortcut must produce the same shape; that is the output shape.
 *
 * <p>{@link #basic(int, int, int)} builds ResNet-18/34's basic block: conv3×3(stride)–BN–ReLU–conv3×3–BN,
 * with a conv1×1(stride)–BN projection shortcut when the stride or the channel count changes, then ReLU:
 * x (N, C_in, H, W) → (N, C_out, ⌈H/stride⌉, ⌈W/stride⌉).
 */
public final class Residual extends Module {

    private final Module body;
    private final Module shortcut;
    private final Module activation;

    /** {@code y = body(x) + x}. */
    public Residual(Module body) {
        this(body, new Identity(), new Identity());
    }

    public Residual(Module body, Module shortcut, Module activation) {
        this.body = registerModule("body", body);
        this.shortcut = registerModule("shortcut", shortcut);
        this.activation = registerModule("activation", activation);
    }

    /**
     * ResNet's basic block (convolutions without bias, since batch norm follows them).
     *
     * @param stride 1, or 2 to halve the resolution
     */
    public static Residual basic(int inChannels, int outChannels, int stride) {
        Sequential body = new Sequential(
                Conv2d.builder(inChannels, outChannels, 3).stride(stride).padding(1).bias(false).build(),
                new BatchNorm2d(outChannels),
                new ReLU(),
                Conv2d.builder(outChannels, outChannels, 3).padding(1).bias(false).build(),
                new BatchNorm2d(outChannels));
        Module shortcut = stride == 1 && inChannels == outChannels ? new Identity()
                : new Sequential(Conv2d.builder(inChannels, outChannels, 1).stride(stride).bias(false).build(),
                        new BatchNorm2d(outChannels));
        return new Residual(body, shortcut, new ReLU());
    }

    @Override
    protected Tensor compute(Tensor x) {
        return activation.forward(body.forward(x).add(shortcut.forward(x)));
    }
}
