package dev.nucleon.segmentation.networks;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializer;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.ConvTranspose2d;
import dev.nucleon.nn.layers.MaxPool2d;
import dev.nucleon.nn.layers.ReLU;
import dev.nucleon.nn.layers.Residual;
import dev.nucleon.nn.layers.Sequential;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Paper 003's residual encoder-decoder FCN: x (N, 3, H, W) → (N, 2, H/2, W/2), H and W multiples of 32
 * (the paper: 256×256×3 → 128×128×2).
 *
 * <p>Encoder (Table 1, a ResNet-18 without its classifier: "17 layers"): stage 1 = 7×7 conv stride 2 → 64
 * (no bias) → BN → ReLU (H/2), then 3×3 max-pool stride 2 padding 1 (H/4); stages 2 … 5 = two ResNet basic
 * blocks each, 64 (H/4), 128 (H/8), 256 (H/16), 512 (H/32), the first block of stages 3 … 5 with stride 2 and
 * a 1×1 projection shortcut.
 *
 * <p>Decoder (Table 2), four times: a 2×2 transposed convolution with stride 2 (the kernel is not given; 2×2
 * as in U-Net) to 256, 128, 64, 64 channels, concatenated with the encoder output of the same resolution
 * (stage 4, 3, 2, then stage 1's 7×7 convolution at H/2), then one basic residual block back to that many
 * channels (with a projection shortcut, since the concatenation doubles them). The table prints each
 * transposed convolution's output at its input's resolution; the concatenations that follow it only work at
 * twice that, which is what this network does. Head: 1×1 convolution to 2 channels and {@link Output}
 * (softmax over background / nucleus by default; channel 1 is the nucleus probability).
 *
 * <p>{@link #features(Tensor)} returns every stage's output under the tables' names, for checking the shapes.
 */
public final class ResFcn extends Module {

    /** Names of {@link #features(Tensor)}'s entries, in order. */
    public static final String[] STAGES = {"stage1.conv", "stage1.pool", "stage2", "stage3", "stage4", "stage5",
            "stage6.up", "stage7", "stage7.up", "stage8", "stage8.up", "stage9", "stage9.up", "stage10", "output"};

    private static final int[] ENCODER = {64, 128, 256, 512};
    private static final int[] DECODER = {256, 128, 64, 64};

    private final int inChannels;
    private final int classes;
    private final Module stem;
    private final Module pool;
    private final Module[] stages = new Module[4];
    private final Module[] ups = new Module[4];
    private final Module[] decoder = new Module[4];
    private final Module head;

    /** 3 input channels, 2 classes, softmax. */
    public ResFcn() {
        this(3, 2, Output.SOFTMAX);
    }

    /**
     * Glorot-uniform kernels.
     *
     * @param inChannels C_in, channels of the input image (≥ 1)
     * @param classes    output channels (≥ 1; 2 in the paper)
     * @param output     the head's final activation
     * @throws IllegalArgumentException when the input channels or classes are below 1
     */
    public ResFcn(int inChannels, int classes, Output output) {
        this(inChannels, classes, output, Initializers.glorotUniform());
    }

    /**
     * Every choice explicit.
     *
     * @param inChannels C_in, channels of the input image (≥ 1)
     * @param classes    output channels (≥ 1; 2 in the paper)
     * @param output     the head's final activation
     * @param init       the initialiser of every convolution kernel
     * @throws IllegalArgumentException when the input channels or classes are below 1
     */
    public ResFcn(int inChannels, int classes, Output output, Initializer init) {
        if (inChannels < 1 || classes < 1) {
            throw new IllegalArgumentException("ResFcn: need input channels and classes >= 1, got " + inChannels + ", "
                    + classes);
        }
        this.inChannels = inChannels;
        this.classes = classes;
        stem = registerModule("stage1", new Sequential(
                Conv2d.builder(inChannels, 64, 7).stride(2).padding(3).bias(false).kernelInitializer(init).build(),
                new BatchNorm2d(64), new ReLU()));
        pool = registerModule("pool", new MaxPool2d(3, 2, 1));
        int c = 64;
        for (int s = 0; s < 4; s++) {
            int stride = s == 0 ? 1 : 2;
            stages[s] = registerModule("stage" + (s + 2), new Sequential(
                    Residual.basic(c, ENCODER[s], stride, init), Residual.basic(ENCODER[s], ENCODER[s], 1, init)));
            c = ENCODER[s];
        }
        int[] skip = {256, 128, 64, 64};
        for (int s = 0; s < 4; s++) {
            ups[s] = registerModule("up" + (s + 1),
                    ConvTranspose2d.builder(c, DECODER[s], 2).stride(2).kernelInitializer(init).build());
            decoder[s] = registerModule("dec" + (s + 1), Residual.basic(DECODER[s] + skip[s], DECODER[s], 1, init));
            c = DECODER[s];
        }
        head = registerModule("head", new Sequential(Conv2d.builder(c, classes, 1).kernelInitializer(init).build(),
                output.create()));
    }

    /**
     * @param x (N, C_in, H, W), H and W multiples of 32
     * @return (N, classes, H/2, W/2)
     */
    @Override
    protected Tensor compute(Tensor x) {
        return run(x, null);
    }

    /**
     * Every stage's output, named as in {@link #STAGES} (Table 1: {@code stage1.conv} … {@code stage5};
     * Table 2: {@code stage6.up}, {@code stage7}, … {@code stage10}, {@code output}).
     *
     * @param x (N, C_in, H, W), H and W multiples of 32
     * @return stage name → that stage's output, in network order; the last, {@code output}, is what
     *         {@code forward} returns
     * @throws IllegalArgumentException when x has another shape
     */
    public Map<String, Tensor> features(Tensor x) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        run(x, out);
        return out;
    }

    /** The forward pass; with {@code record}, keeps every named feature map. */
    private Tensor run(Tensor x, Map<String, Tensor> record) {
        UNet.requireInput("ResFcn", x, inChannels, 32, "five halvings");
        Tensor s1 = stem.forward(x);
        Tensor y = pool.forward(s1);
        put(record, "stage1.conv", s1);
        put(record, "stage1.pool", y);
        Tensor[] enc = new Tensor[4];
        for (int s = 0; s < 4; s++) {
            y = stages[s].forward(y);
            enc[s] = y;
            put(record, "stage" + (s + 2), y);
        }
        Tensor[] skips = {enc[2], enc[1], enc[0], s1};
        for (int s = 0; s < 4; s++) {
            Tensor up = ups[s].forward(y);
            put(record, "stage" + (s + 6) + ".up", up);
            y = decoder[s].forwardConcat(up, skips[s]);
            put(record, "stage" + (s + 7), y);
        }
        Tensor out = head.forward(y);
        put(record, "output", out);
        return out;
    }

    private static void put(Map<String, Tensor> record, String name, Tensor t) {
        if (record != null) {
            record.put(name, t);
        }
    }

    /** {@return the output channels} */
    public int classes() {
        return classes;
    }
}
