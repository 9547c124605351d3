package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Shaping;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializer;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.layers.Conv2d;

/**
 * The region proposal network's head (Ren et al. 2015), torchvision's {@code RPNHead}, shared by every pyramid
 * level: a 3×3 convolution + ReLU, then per position an objectness logit and four box deltas for each of its A
 * anchors.
 * <pre>
 *   t = relu(conv3×3(P)),   objectness = conv1×1(t) (N, A, H, W),   deltas = conv1×1(t) (N, 4·A, H, W)
 * </pre>
 * Parameters: 9·F² + F + (F·A + A) + (F·4A + 4A); 593,935 for F = 256, A = 3 (torchvision's count). Kernels start
 * N(0, 0.01²) and biases 0, as torchvision's. {@link #forward} returns the two joined along the channels
 * (N, 5·A, H, W) so the head is an ordinary module (summary, state dict); {@link #objectness} and {@link #deltas}
 * split it. Part of {@link RegionProposalNetwork} (its {@code head} child), shared by every pyramid level.
 */
public final class RpnHead extends Module {

    /** torchvision's RPN initialisation: N(0, 0.01²). */
    private static final Initializer SMALL_NORMAL = (shape, fans, seed) -> Tensor.normal(seed, 0f, 0.01f, shape);

    private final Conv2d conv;
    private final Conv2d logits;
    private final Conv2d boxes;
    private final int anchors;

    /**
     * A head.
     *
     * @param channels F, the pyramid's channels
     * @param anchors  A, anchors per position
     * @throws IllegalArgumentException when either is below 1
     */
    public RpnHead(int channels, int anchors) {
        if (channels < 1 || anchors < 1) {
            throw new IllegalArgumentException("RpnHead: need channels and anchors >= 1, got " + channels + ", "
                    + anchors);
        }
        this.anchors = anchors;
        conv = registerModule("conv", Conv2d.builder(channels, channels, 3).padding(1)
                .kernelInitializer(SMALL_NORMAL).biasInitializer(Initializers.zeros()).build());
        logits = registerModule("cls_logits", Conv2d.builder(channels, anchors, 1)
                .kernelInitializer(SMALL_NORMAL).biasInitializer(Initializers.zeros()).build());
        boxes = registerModule("bbox_pred", Conv2d.builder(channels, 4 * anchors, 1)
                .kernelInitializer(SMALL_NORMAL).biasInitializer(Initializers.zeros()).build());
    }

    /**
     * @param p one pyramid level (N, F, H, W)
     * @return objectness and deltas joined, (N, 5·A, H, W)
     */
    @Override
    protected Tensor compute(Tensor p) {
        Tensor t = conv.forward(p).relu();
        return Shaping.concat(1, logits.forward(t), boxes.forward(t));
    }

    /**
     * {@return the objectness logits (N, A, H, W) of a {@link #forward} output}
     *
     * @param out (N, 5·A, H, W)
     */
    public Tensor objectness(Tensor out) {
        return out.slice(1, 0, anchors);
    }

    /**
     * {@return the box deltas (N, 4·A, H, W) of a {@link #forward} output}
     *
     * @param out (N, 5·A, H, W)
     */
    public Tensor deltas(Tensor out) {
        return out.slice(1, anchors, 5 * anchors);
    }

    /** {@return A, anchors per position} */
    public int anchors() {
        return anchors;
    }

}
