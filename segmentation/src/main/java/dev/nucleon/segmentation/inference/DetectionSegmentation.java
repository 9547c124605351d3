package dev.nucleon.segmentation.inference;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Device;
import dev.nucleon.core.Tensor;
import dev.nucleon.segmentation.detection.MaskPasting;
import dev.nucleon.segmentation.detection.MaskRcnn;
import dev.nucleon.segmentation.detection.RoiHeads;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * The detector path of a {@link Predictor}: a {@link MaskRcnn} on one whole image of network input.
 * <pre>
 *   (C, H, W) input → zero-padded at the right and bottom to (C, ⌈H/32⌉·32, ⌈W/32⌉·32) (the pyramid's strides)
 *                   → MaskRcnn.detect without autograd, in inference mode → boxes, scores, 28×28 masks
 *                   → {@link MaskPasting} at the image's own H × W (what falls in the padding is cut off)
 * </pre>
 * Images are processed whole, never tiled: a detection is one nucleus, and a tile border would cut nuclei into
 * two detections that no blending can merge back. The largest DSB2018 image (1388×1040) fits in memory as one pass.
 * Per-pixel options of the predictor (tiles, flip TTA, rescaling to the training nuclei size, the watershed's
 * threshold) do not apply to a detector.
 */
final class DetectionSegmentation {

    /** The side lengths of the detector's input are multiples of this (the coarsest pyramid level's stride). */
    static final int STRIDE = 32;

    private final MaskRcnn detector;
    private final MaskPasting pasting;

    /**
     * A detector path.
     *
     * @param detector the network, in inference mode
     * @param pasting  how detections become labels
     */
    DetectionSegmentation(MaskRcnn detector, MaskPasting pasting) {
        this.detector = detector;
        this.pasting = pasting;
    }

    /** {@return the network} */
    MaskRcnn detector() {
        return detector;
    }

    /**
     * {@return the instances of one image}
     *
     * @param in     (C, H, W) network input
     * @param device where the network runs
     */
    LabelImage segment(FloatImage in, Device device) {
        return pasting.paste(detections(in, device), in.width(), in.height());
    }

    /**
     * {@return (1, H, W) per-pixel nucleus probability: the largest pasted mask probability}
     *
     * @param in     (C, H, W) network input
     * @param device where the network runs
     */
    FloatImage probability(FloatImage in, Device device) {
        return pasting.probability(detections(in, device), in.width(), in.height());
    }

    /** The detections of one image, boxes in its pixels. */
    @SuppressWarnings("try") // the no-grad scope is used only for its effect
    RoiHeads.Detections detections(FloatImage in, Device device) {
        int w = in.width(), h = in.height();
        int pw = (w + STRIDE - 1) / STRIDE * STRIDE, ph = (h + STRIDE - 1) / STRIDE * STRIDE;
        FloatImage padded = pw == w && ph == h ? in : in.crop(0, 0, pw, ph, 0f);
        Tensor x = Tensor.of(padded.data().clone(), 1, in.channels(), ph, pw);
        if (!device.isCpu()) {
            x = x.to(device);
        }
        try (Autograd.NoGradScope ignored = Autograd.noGrad()) {
            return detector.detect(x).get(0);
        }
    }
}
