package dev.nucleon.segmentation.networks;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializer;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.Sequential;

import java.util.Arrays;

/**
 * Paper 001's "Simple CNN" per-pixel classifier: x (N, C_in, H, W) → (N, K, H, W), any H and W.
 *
 * <p>One batch norm on the input ({@code input_bn}), six "fully connected dense layers" — Keras
 * {@code Dense} on an image acts on the channel axis of every pixel, i.e. a 1×1 convolution
 * ({@code dense1} … {@code dense6}) — each with the paper's sigmoid activation (Table 2), then a 3×3 "same"
 * convolution to K = 3 classes ({@code output}: nucleus, nucleus border, background) with a sigmoid. The
 * paper does not give the layer widths; Nucleon uses {@value #DEFAULT_WIDTH} units per dense layer (with 3
 * input channels: 22,799 weights, 6 of them non-trainable).
 */
public final class SimpleCnn extends Module {

    /** Units of each dense layer when none is given: 64 (the paper does not say). */
    public static final int DEFAULT_WIDTH = 64;
    /** The number of per-pixel dense layers, six as in the paper's Table 2. */
    public static final int DENSE_LAYERS = 6;

    private final int inChannels;
    private final Module inputNorm;
    private final Module[] dense = new Module[DENSE_LAYERS];
    private final Module output;

    /** 3 input channels, 3 classes, 64-unit sigmoid dense layers, sigmoid output. */
    public SimpleCnn() {
        this(3, 3);
    }

    /**
     * The paper's network for other input channels or classes: {@value #DEFAULT_WIDTH}-unit sigmoid dense layers,
     * sigmoid output, glorot_uniform kernels.
     *
     * @param inChannels C_in, channels of the input image (≥ 1)
     * @param classes    K, output channels (≥ 1)
     * @throws IllegalArgumentException when either is below 1
     */
    public SimpleCnn(int inChannels, int classes) {
        this(inChannels, classes, DEFAULT_WIDTH, Activation.SIGMOID, Output.SIGMOID, Initializers.glorotUniform());
    }

    /**
     * Every choice explicit.
     *
     * @param inChannels C_in, channels of the input image (≥ 1)
     * @param classes    K, output channels (≥ 1)
     * @param width      units of each of the six dense layers (≥ 1)
     * @param activation their activation (the paper: sigmoid)
     * @param out        the output layer's activation (the paper: sigmoid; softmax for a 3-class distribution)
     * @param init       the initialiser of every convolution kernel (biases start at zero)
     * @throws IllegalArgumentException when the input channels, classes or width are below 1
     */
    public SimpleCnn(int inChannels, int classes, int width, Activation activation, Output out, Initializer init) {
        if (inChannels < 1 || classes < 1 || width < 1) {
            throw new IllegalArgumentException("SimpleCnn: need input channels, classes and width >= 1, got "
                    + Arrays.toString(new int[] {inChannels, classes, width}));
        }
        this.inChannels = inChannels;
        inputNorm = registerModule("input_bn", new BatchNorm2d(inChannels));
        int c = inChannels;
        for (int i = 0; i < DENSE_LAYERS; i++) {
            dense[i] = registerModule("dense" + (i + 1), new Sequential(
                    Conv2d.builder(c, width, 1).kernelInitializer(init).build(), activation.create()));
            c = width;
        }
        output = registerModule("output", new Sequential(
                Conv2d.builder(c, classes, 3).padding(1).kernelInitializer(init).build(), out.create()));
    }

    /**
     * @param x (N, C_in, H, W)
     * @return (N, K, H, W)
     */
    @Override
    protected Tensor compute(Tensor x) {
        if (x.rank() != 4 || x.shape()[1] != inChannels) {
            throw new IllegalArgumentException("SimpleCnn: expected input (N, " + inChannels + ", H, W), got "
                    + dev.nucleon.core.Shape.str(x.shape()));
        }
        Tensor y = inputNorm.forward(x);
        for (Module d : dense) {
            y = d.forward(y);
        }
        return output.forward(y);
    }
}
