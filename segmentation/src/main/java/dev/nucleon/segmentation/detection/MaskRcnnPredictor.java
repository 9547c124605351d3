package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.ConvTranspose2d;

/**
 * The mask predictor, torchvision's {@code MaskRCNNPredictor}: a 2×2 stride-2 transposed convolution with ReLU
 * doubles the trunk's 14×14 to 28×28, then a 1×1 convolution gives one mask logit map per class.
 * <pre>
 *   x (R, F, 14, 14) → conv5_mask (ConvT 2×2/2) → relu → mask_fcn_logits (1×1) → (R, K, 28, 28)
 * </pre>
 * Parameters: (4·F² + F) + (F·K + K); 262,914 for F = 256, K = 2. Initialised as {@link MaskRcnnHeads}.
 */
public final class MaskRcnnPredictor extends Module {

    private final ConvTranspose2d conv5Mask;
    private final Conv2d logits;

    /**
     * A predictor.
     *
     * @param inChannels F, the trunk's channels
     * @param classes    K, with the background
     */
    public MaskRcnnPredictor(int inChannels, int classes) {
        conv5Mask = registerModule("conv5_mask", ConvTranspose2d.builder(inChannels, inChannels, 2).stride(2)
                .kernelInitializer(MaskRcnnHeads.KAIMING_FAN_OUT).biasInitializer(Initializers.zeros()).build());
        logits = registerModule("mask_fcn_logits", Conv2d.builder(inChannels, classes, 1)
                .kernelInitializer(MaskRcnnHeads.KAIMING_FAN_OUT).biasInitializer(Initializers.zeros()).build());
    }

    /**
     * @param x (R, F, 14, 14)
     * @return mask logits (R, K, 28, 28)
     */
    @Override
    protected Tensor compute(Tensor x) {
        return logits.forward(conv5Mask.forward(x).relu());
    }
}
