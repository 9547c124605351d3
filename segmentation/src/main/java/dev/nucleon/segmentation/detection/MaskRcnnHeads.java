package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializer;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.layers.Conv2d;

/**
 * The mask head's trunk, torchvision's {@code MaskRCNNHeads}: four 3×3 convolutions (padding 1) with ReLU on each
 * RoI's 14×14 pooled features.
 * <pre>
 *   x (R, C, 14, 14) → [conv3×3 → relu] × 4 → (R, F, 14, 14)          F = 256 in Mask R-CNN
 * </pre>
 * Parameters: (9·C·F + F) + 3·(9·F² + F); 2,360,320 for C = F = 256. Kernels He-normal in fan-out mode
 * (torch's {@code kaiming_normal_(mode="fan_out", nonlinearity="relu")}), biases 0, as torchvision's.
 */
public final class MaskRcnnHeads extends Module {

    /** torch's {@code kaiming_normal_(mode="fan_out", nonlinearity="relu")}: N(0, 2/fan_out). */
    static final Initializer KAIMING_FAN_OUT = (shape, fans, seed) ->
            Tensor.normal(seed, 0f, (float) Math.sqrt(2.0 / fans.fanOut()), shape);

    private final Conv2d[] convs = new Conv2d[4];

    /**
     * A trunk.
     *
     * @param inChannels C, the pooled features' channels
     * @param channels   F, every layer's channels
     */
    public MaskRcnnHeads(int inChannels, int channels) {
        int c = inChannels;
        for (int i = 0; i < convs.length; i++) {
            convs[i] = registerModule("mask_fcn" + (i + 1), Conv2d.builder(c, channels, 3).padding(1)
                    .kernelInitializer(KAIMING_FAN_OUT).biasInitializer(Initializers.zeros()).build());
            c = channels;
        }
    }

    /**
     * @param x (R, C, 14, 14)
     * @return (R, F, 14, 14)
     */
    @Override
    protected Tensor compute(Tensor x) {
        Tensor h = x;
        for (Conv2d conv : convs) {
            h = conv.forward(h).relu();
        }
        return h;
    }
}
