package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializer;
import dev.nucleon.nn.layers.Conv2d;

/**
 * The box head of Faster/Mask R-CNN, torchvision's {@code TwoMLPHead}: two fully connected layers with ReLU on
 * each RoI's pooled features.
 * <pre>
 *   x (R, C, 7, 7) → flatten (R, 49·C) → fc6 → relu → fc7 → relu → (R, D)          D = 1024 in Mask R-CNN
 * </pre>
 * A fully connected layer over a (C, 7, 7) patch is a 7×7 convolution without padding over it (output 1×1), and
 * over a vector a 1×1 convolution, so fc6 and fc7 are {@link Conv2d}s: the same weights (fc6's (D, C, 7, 7) kernel
 * is torch's (D, 49·C) matrix, row-major) and the same counts, 49·C·D + D and D² + D (12,846,080 and 1,049,600
 * for C = 256, D = 1024). Initialised as torch's {@code nn.Linear}: weights and biases U(±1/√fan_in).
 */
public final class TwoMlpHead extends Module {

    /** torch's {@code nn.Linear} initialisation: U(−1/√fan_in, 1/√fan_in), weights and biases alike. */
    static final Initializer LINEAR = (shape, fans, seed) -> {
        float bound = (float) (1 / Math.sqrt(fans.fanIn()));
        return Tensor.uniform(seed, -bound, bound, shape);
    };

    /**
     * {@return torch's {@code nn.Linear} bias initialisation, U(±1/√fan_in), for a layer of {@code fanIn} inputs}
     *
     * @param fanIn the layer's inputs
     */
    static Initializer linearBias(int fanIn) {
        float bound = (float) (1 / Math.sqrt(fanIn));
        return (shape, fans, seed) -> Tensor.uniform(seed, -bound, bound, shape);
    }

    private final Conv2d fc6;
    private final Conv2d fc7;
    private final int representationSize;

    /**
     * A head.
     *
     * @param channels           C, the pooled features' channels
     * @param resolution         the pooled features' side (7)
     * @param representationSize D
     */
    public TwoMlpHead(int channels, int resolution, int representationSize) {
        this.representationSize = representationSize;
        fc6 = registerModule("fc6", Conv2d.builder(channels, representationSize, resolution)
                .kernelInitializer(LINEAR).biasInitializer(linearBias(channels * resolution * resolution)).build());
        fc7 = registerModule("fc7", Conv2d.builder(representationSize, representationSize, 1)
                .kernelInitializer(LINEAR).biasInitializer(linearBias(representationSize)).build());
    }

    /**
     * @param x (R, C, 7, 7)
     * @return (R, D)
     */
    @Override
    protected Tensor compute(Tensor x) {
        Tensor h = fc7.forward(fc6.forward(x).relu()).relu();
        return h.reshape(x.size(0), representationSize);
    }

    /** {@return D, the representation size} */
    public int representationSize() {
        return representationSize;
    }
}
