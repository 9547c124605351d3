package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.UpsampleMode;
import dev.nucleon.core.ops.Pooling;
import dev.nucleon.core.ops.Upsampling;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.layers.Conv2d;

import java.util.ArrayList;
import java.util.List;

/**
 * A feature pyramid network (Lin et al. 2017), torchvision's {@code FeaturePyramidNetwork} with its
 * {@code LastLevelMaxPool}: from backbone maps C2 … C5 (strides 4 … 32) to P2 … P6, every level with the same
 * channels.
 * <pre>
 *   lateral_i = conv1×1(C_i)                               (inner blocks, with bias)
 *   M5 = lateral_5,   M_i = lateral_i + nearest×2(M_{i+1})  (top-down)
 *   P_i = conv3×3(M_i), padding 1                          (layer blocks, with bias)
 *   P6 = max_pool(P5, kernel 1, stride 2)                  (the extra level the RPN's largest anchors use)
 * </pre>
 * Parameters: Σ_i (C_i·F + F) + levels·(9·F² + F); for ResNet-50's (256, 512, 1024, 2048) → F = 256 that is
 * 3,344,384, torchvision's count. The backbone's map sizes must halve level to level (inputs multiples of 32).
 *
 * <p>Part of {@link MaskRcnn} (the {@code fpn} child): {@link #pyramid} is its entry point; the
 * single-tensor {@link #forward} of a {@link Module} does not apply.
 */
public final class FeaturePyramid extends Module {

    private final Conv2d[] lateral;
    private final Conv2d[] output;
    private final int channels;

    /**
     * A pyramid over backbone maps of the given channels, finest first.
     *
     * @param inChannels the backbone maps' channels, finest (stride 4) first, e.g. {64, 128, 256, 512} for ResNet-18
     * @param channels   F, every level's channels (256 in Mask R-CNN)
     * @throws IllegalArgumentException when no level is given or a channel count is below 1
     */
    public FeaturePyramid(int[] inChannels, int channels) {
        if (inChannels.length == 0 || channels < 1) {
            throw new IllegalArgumentException("FeaturePyramid: need at least one level and channels >= 1, got "
                    + inChannels.length + " levels, " + channels + " channels");
        }
        this.channels = channels;
        lateral = new Conv2d[inChannels.length];
        output = new Conv2d[inChannels.length];
        for (int i = 0; i < inChannels.length; i++) {
            if (inChannels[i] < 1) {
                throw new IllegalArgumentException("FeaturePyramid: level " + i + " has " + inChannels[i] + " channels");
            }
            lateral[i] = registerModule("inner" + i, Conv2d.builder(inChannels[i], channels, 1)
                    .kernelInitializer(Initializers.heUniform()).biasInitializer(Initializers.zeros()).build());
            output[i] = registerModule("layer" + i, Conv2d.builder(channels, channels, 3).padding(1)
                    .kernelInitializer(Initializers.heUniform()).biasInitializer(Initializers.zeros()).build());
        }
    }

    /**
     * {@return P2 … P6: one map per backbone level, F channels at that level's size, then the extra level at half
     * the coarsest size}
     *
     * @param features the backbone maps (N, C_i, H_i, W_i), finest first, each half the size of the one before
     * @throws IllegalArgumentException when the number of maps or their sizes do not fit
     */
    public List<Tensor> pyramid(List<Tensor> features) {
        int levels = lateral.length;
        if (features.size() != levels) {
            throw new IllegalArgumentException("FeaturePyramid: " + features.size() + " maps given for " + levels
                    + " levels");
        }
        for (int i = 1; i < levels; i++) {
            int[] fine = features.get(i - 1).shape();
            int[] coarse = features.get(i).shape();
            if (fine[2] != 2 * coarse[2] || fine[3] != 2 * coarse[3]) {
                throw new IllegalArgumentException("FeaturePyramid: level " + i + " is " + coarse[2] + "x" + coarse[3]
                        + ", expected half of level " + (i - 1) + "'s " + fine[2] + "x" + fine[3]
                        + " (inputs must be multiples of 32)");
            }
        }
        Tensor[] p = new Tensor[levels];
        Tensor merged = lateral[levels - 1].forward(features.get(levels - 1));
        p[levels - 1] = output[levels - 1].forward(merged);
        for (int i = levels - 2; i >= 0; i--) {
            merged = lateral[i].forward(features.get(i)).add(Upsampling.upsample(merged, 2, UpsampleMode.NEAREST));
            p[i] = output[i].forward(merged);
        }
        List<Tensor> out = new ArrayList<>(List.of(p));
        out.add(Pooling.maxPool2d(p[levels - 1], 1, 2, 0));
        return out;
    }

    /** {@return F, every level's channels} */
    public int channels() {
        return channels;
    }

    /**
     * Not supported: a pyramid takes several maps; call {@link #pyramid}.
     *
     * @param x unused
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    protected Tensor compute(Tensor x) {
        throw new UnsupportedOperationException("FeaturePyramid takes the backbone's maps: call pyramid(features)");
    }
}
