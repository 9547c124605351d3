package dev.nucleon.segmentation.networks;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializer;
import dev.nucleon.segmentation.detection.Backbone;

import java.util.List;

/**
 * The ResNet of the {@code resnet-fcn} preset without its FCN head, as a detector's {@link Backbone}
 * (torchvision's {@code backbone.body}; Mask R-CNN's in the {@code mask-rcnn} preset): x (N, C_in, H, W) → C2 … C5,
 * the outputs of layer1 … layer4 at strides 4, 8, 16, 32 with {@link ResNetFcn#featureChannels} channels (64 … 512 for depth 18 and 34, 256 … 2048 from 50
 * on). Batch norm is ordinary (trainable, running statistics) rather than torchvision's frozen one: Nucleon starts
 * from random weights, so there are no statistics to freeze.
 */
public final class ResNetBody extends Backbone {

    private final Module stem;
    private final Module[] layers = new Module[4];
    private final int depth;
    private final int inChannels;

    /**
     * A body.
     *
     * @param inChannels C_in, ≥ 1
     * @param depth      one of {@link ResNetFcn#DEPTHS}
     * @param init       the initialiser of every convolution kernel
     * @throws IllegalArgumentException when the depth is not one of them
     */
    public ResNetBody(int inChannels, int depth, Initializer init) {
        Module[] body = ResNetFcn.body(inChannels, depth, init);
        this.depth = depth;
        this.inChannels = inChannels;
        stem = registerModule("stem", body[0]);
        for (int l = 0; l < 4; l++) {
            layers[l] = registerModule("layer" + (l + 1), body[l + 1]);
        }
    }

    @Override
    public List<Tensor> features(Tensor x) {
        Tensor c2 = layers[0].forward(stem.forward(x));
        Tensor c3 = layers[1].forward(c2);
        Tensor c4 = layers[2].forward(c3);
        Tensor c5 = layers[3].forward(c4);
        return List.of(c2, c3, c4, c5);
    }

    @Override
    public int[] channels() {
        return ResNetFcn.featureChannels(depth);
    }

    @Override
    public int inChannels() {
        return inChannels;
    }

    @Override
    protected String extraRepr() {
        return "depth=" + depth;
    }
}
