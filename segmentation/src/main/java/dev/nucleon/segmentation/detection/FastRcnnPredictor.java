package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Shaping;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.layers.Conv2d;

/**
 * The box predictor of Faster/Mask R-CNN, torchvision's {@code FastRCNNPredictor}: from each RoI's representation,
 * K class logits (class 0 the background) and per class four box deltas.
 * <pre>
 *   cls_score = fc(x) (R, K)        bbox_pred = fc(x) (R, 4·K)        joined: (R, 5·K)
 * </pre>
 * Parameters: (D + 1)·5K; 10,250 for D = 1024, K = 2. The fully connected layers are 1×1 convolutions on
 * (R, D, 1, 1) (see {@link TwoMlpHead}); initialised as torch's {@code nn.Linear}. {@link #forward} returns the two
 * joined so the predictor is an ordinary module; {@link #classLogits} and {@link #boxRegression} split it.
 */
public final class FastRcnnPredictor extends Module {

    private final Conv2d clsScore;
    private final Conv2d bboxPred;
    private final int classes;

    /**
     * A predictor.
     *
     * @param inChannels D, the representation size
     * @param classes    K, with the background
     */
    public FastRcnnPredictor(int inChannels, int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("FastRcnnPredictor: need >= 2 classes (background + 1), got " + classes);
        }
        this.classes = classes;
        clsScore = registerModule("cls_score", Conv2d.builder(inChannels, classes, 1)
                .kernelInitializer(TwoMlpHead.LINEAR).biasInitializer(TwoMlpHead.linearBias(inChannels)).build());
        bboxPred = registerModule("bbox_pred", Conv2d.builder(inChannels, 4 * classes, 1)
                .kernelInitializer(TwoMlpHead.LINEAR).biasInitializer(TwoMlpHead.linearBias(inChannels)).build());
    }

    /**
     * @param x (R, D)
     * @return class logits and box deltas joined, (R, 5·K)
     */
    @Override
    protected Tensor compute(Tensor x) {
        Tensor x4 = x.reshape(x.size(0), x.size(1), 1, 1);
        int r = x.size(0);
        return Shaping.concat(1, clsScore.forward(x4).reshape(r, classes), bboxPred.forward(x4).reshape(r, 4 * classes));
    }

    /**
     * {@return the class logits (R, K) of a {@link #forward} output}
     *
     * @param out (R, 5·K)
     */
    public Tensor classLogits(Tensor out) {
        return out.slice(1, 0, classes);
    }

    /**
     * {@return the per-class box deltas (R, 4·K) of a {@link #forward} output, class k at columns 4k … 4k + 3}
     *
     * @param out (R, 5·K)
     */
    public Tensor boxRegression(Tensor out) {
        return out.slice(1, classes, 5 * classes);
    }

    /** {@return K, the classes with the background} */
    public int classes() {
        return classes;
    }
}
