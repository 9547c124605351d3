package dev.nucleon.segmentation.networks;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.UpsampleMode;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializer;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.MaxPool2d;
import dev.nucleon.nn.layers.ReLU;
import dev.nucleon.nn.layers.Residual;
import dev.nucleon.nn.layers.Sequential;
import dev.nucleon.nn.layers.Upsample;

import java.util.Arrays;

/**
 * Paper 001's "ResNet" per-pixel segmenter: a ResNet backbone (He et al. 2016) with an FCN-8s head (Long et
 * al. 2015), x (N, C_in, H, W) → (N, K, H, W), H and W multiples of 32.
 *
 * <p>Backbone, torchvision's layout (so the weights could be swapped in): 7×7 conv stride 2 → 64 (no bias)
 * → BN → ReLU → 3×3 max-pool stride 2 ({@code stem}), then {@code layer1} … {@code layer4} at H/4, H/8, H/16,
 * H/32 with 64/128/256/512 basic blocks (depth 18: 2-2-2-2, 34: 3-4-6-3) or bottleneck blocks ×4 expansion
 * (50: 3-4-6-3, 101: 3-4-23-3, 152: 3-8-36-3). Without the classifier it has torchvision's counts less the
 * fc layer: 11,176,512 (18), 21,284,672 (34), 23,508,032 (50), 42,500,160 (101), 58,143,808 (152)
 * trainable weights.
 *
 * <p>Head (FCN-8s): 1×1 score convolutions to K classes on layer4, layer3 and layer2; the coarsest score is
 * up-sampled ×2 (bilinear) and added to the next, twice, and the sum up-sampled ×8 (bilinear) to the input
 * resolution, then {@link Output} (sigmoid: one mask for all nuclei, as paper 001's ResNet produces).
 * Fixed bilinear up-sampling replaces FCN's learnable deconvolutions initialised to bilinear.
 *
 * <p><b>Pre-training.</b> Paper 001 starts from COCO-pretrained weights; Nucleon has no pre-trained
 * weights and no network access, so the backbone starts from random He-normal kernels (batch norm at γ = 1,
 * β = 0) and trains from scratch on DSB2018. Expect it to need more epochs than the paper's 40, and prefer
 * the shallower backbones (18/34) on CPU.
 */
public final class ResNetFcn extends Module {

    /** The backbone depths with a known block layout. */
    public static final int[] DEPTHS = {18, 34, 50, 101, 152};

    private final int inChannels;
    private final int depth;
    private final Module stem;
    private final Module[] layers = new Module[4];
    private final Module score8;
    private final Module score16;
    private final Module score32;
    private final Module up32;
    private final Module up16;
    private final Module up8;
    private final Module output;

    /**
     * 3 input channels, one sigmoid output channel, He-normal kernels.
     *
     * @param depth the backbone depth, one of {@link #DEPTHS}
     * @throws IllegalArgumentException when the depth is not one of them
     */
    public ResNetFcn(int depth) {
        this(3, depth, 1, Output.SIGMOID, Initializers.heNormal());
    }

    /**
     * Every choice explicit.
     *
     * @param inChannels C_in, channels of the input image (≥ 1)
     * @param depth      the backbone depth, one of {@link #DEPTHS} (50 and deeper use bottleneck blocks)
     * @param classes    K, output channels (≥ 1)
     * @param out        the final activation (sigmoid for one class, softmax for more)
     * @param init       the initialiser of every convolution kernel
     * @throws IllegalArgumentException when the depth is not one of {@link #DEPTHS}, or the input channels or
     *                                  classes are below 1
     */
    public ResNetFcn(int inChannels, int depth, int classes, Output out, Initializer init) {
        blocks(depth); // the depth is checked first
        if (inChannels < 1 || classes < 1) {
            throw new IllegalArgumentException("ResNetFcn: need input channels and classes >= 1, got " + inChannels
                    + ", " + classes);
        }
        this.inChannels = inChannels;
        this.depth = depth;
        Module[] body = body(inChannels, depth, init);
        stem = registerModule("stem", body[0]);
        for (int l = 0; l < 4; l++) {
            layers[l] = registerModule("layer" + (l + 1), body[l + 1]);
        }
        int[] channelsAt = featureChannels(depth);
        score32 = registerModule("score32", Conv2d.builder(channelsAt[3], classes, 1).kernelInitializer(init).build());
        up32 = registerModule("up32", new Upsample(2, UpsampleMode.BILINEAR));
        score16 = registerModule("score16", Conv2d.builder(channelsAt[2], classes, 1).kernelInitializer(init).build());
        up16 = registerModule("up16", new Upsample(2, UpsampleMode.BILINEAR));
        score8 = registerModule("score8", Conv2d.builder(channelsAt[1], classes, 1).kernelInitializer(init).build());
        up8 = registerModule("up8", new Upsample(8, UpsampleMode.BILINEAR));
        output = registerModule("output", out.create());
    }

    /**
     * {@return a fresh backbone: stem, layer1 … layer4 (outputs C2 … C5 at strides 4, 8, 16, 32 with
     * {@link #featureChannels} channels), the modules this network registers under those names; Mask R-CNN's
     * feature pyramid reads the same four maps}
     *
     * @param inChannels C_in, ≥ 1
     * @param depth      one of {@link #DEPTHS} (50 and deeper use bottleneck blocks)
     * @param init       the initialiser of every convolution kernel
     * @throws IllegalArgumentException when the depth is not one of {@link #DEPTHS}
     */
    public static Module[] body(int inChannels, int depth, Initializer init) {
        int[] blocks = blocks(depth);
        boolean bottleneck = depth >= 50;
        Module stem = new Sequential(
                Conv2d.builder(inChannels, 64, 7).stride(2).padding(3).bias(false).kernelInitializer(init).build(),
                new BatchNorm2d(64), new ReLU(), new MaxPool2d(3, 2, 1));
        Module[] body = {stem, null, null, null, null};
        int c = 64;
        int[] widths = {64, 128, 256, 512};
        for (int l = 0; l < 4; l++) {
            Sequential layer = new Sequential();
            for (int b = 0; b < blocks[l]; b++) {
                int stride = b == 0 && l > 0 ? 2 : 1;
                layer.append(bottleneck ? Residual.bottleneck(c, widths[l], stride, init)
                        : Residual.basic(c, widths[l], stride, init));
                c = bottleneck ? widths[l] * Residual.BOTTLENECK_EXPANSION : widths[l];
            }
            body[l + 1] = layer;
        }
        return body;
    }

    /**
     * {@return the channels of C2 … C5 (layer1 … layer4's outputs): 64, 128, 256, 512 for depths 18 and 34, four
     * times that from 50 on}
     *
     * @param depth one of {@link #DEPTHS}
     * @throws IllegalArgumentException when it is not
     */
    public static int[] featureChannels(int depth) {
        blocks(depth);
        int expansion = depth >= 50 ? Residual.BOTTLENECK_EXPANSION : 1;
        return new int[] {64 * expansion, 128 * expansion, 256 * expansion, 512 * expansion};
    }

    /**
     * {@return the residual blocks of layer1 … layer4 for a backbone depth, e.g. {2, 2, 2, 2} for 18}
     *
     * @param depth one of {@link #DEPTHS}
     * @throws IllegalArgumentException when it is not
     */
    public static int[] blocks(int depth) {
        return switch (depth) {
            case 18 -> new int[] {2, 2, 2, 2};
            case 34, 50 -> new int[] {3, 4, 6, 3};
            case 101 -> new int[] {3, 4, 23, 3};
            case 152 -> new int[] {3, 8, 36, 3};
            default -> throw new IllegalArgumentException("ResNetFcn: backbone depth " + depth + " is not one of "
                    + Arrays.toString(DEPTHS));
        };
    }

    /**
     * @param x (N, C_in, H, W), H and W multiples of 32
     * @return (N, K, H, W)
     */
    @Override
    protected Tensor compute(Tensor x) {
        UNet.requireInput("ResNetFcn", x, inChannels, 32, "five halvings");
        Tensor c1 = layers[0].forward(stem.forward(x));
        Tensor c2 = layers[1].forward(c1);
        Tensor c3 = layers[2].forward(c2);
        Tensor c4 = layers[3].forward(c3);
        Tensor s16 = fuse(up32, score32.forward(c4), score16, c3);
        Tensor s8 = fuse(up16, s16, score8, c2);
        return output.forward(up8.forward(s8));
    }

    /** up(coarse) + score(features): one FCN skip. */
    private static Tensor fuse(Module up, Tensor coarse, Module score, Tensor features) {
        return up.forward(coarse).add(score.forward(features));
    }

    /** {@return the backbone's modules (stem and layer1 … layer4), e.g. to count or freeze them} */
    public Module[] backbone() {
        return new Module[] {stem, layers[0], layers[1], layers[2], layers[3]};
    }

    /** {@return the backbone depth, one of {@link #DEPTHS}} */
    public int depth() {
        return depth;
    }

    @Override
    protected String extraRepr() {
        return "depth=" + depth;
    }
}
