package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;

import java.util.List;

/**
 * The body of a detector's backbone (torchvision's {@code backbone.body}): images → feature maps at strides 4, 8,
 * 16, 32 (C2 … C5), each half the size of the one before, for a {@link FeaturePyramid}. The detector knows nothing
 * else of it; the ResNet of the {@code resnet-fcn} preset is one ({@code networks.ResNetBody}).
 */
public abstract class Backbone extends Module {

    /**
     * {@return C2 … C5, finest first}
     *
     * @param x (N, C_in, H, W), H and W multiples of 32
     */
    public abstract List<Tensor> features(Tensor x);

    /** {@return the channels of C2 … C5} */
    public abstract int[] channels();

    /** {@return C_in, the images' channels} */
    public abstract int inChannels();

    /**
     * @param x (N, C_in, H, W)
     * @return C5 alone; detectors call {@link #features}
     */
    @Override
    protected Tensor compute(Tensor x) {
        List<Tensor> f = features(x);
        return f.get(f.size() - 1);
    }
}
