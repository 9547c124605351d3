package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Op;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.RoiAlignGeometry;

/**
 * RoIAlign (He et al., Mask R-CNN, 2017): a fixed-size (outH × outW) feature patch per region of interest, each
 * output cell the mean of a grid of bilinear samples inside its bin — no rounding of the box to the feature grid.
 * The semantics are torchvision's {@code roi_align} and ONNX's {@code RoiAlign} (mode avg); the formula is in
 * {@link RoiAlignGeometry}. Differentiable in the feature map; the regions get no gradient (as in torchvision:
 * Mask R-CNN detaches its proposals). The regions are read back to the host to check their batch indices (R·5 floats).
 */
public final class RoiAlign {

    private RoiAlign() {
    }

    /**
     * {@return the (R, C, outH, outW) patches of x under the regions}
     *
     * @param x             the feature map (N, C, H, W)
     * @param rois          (R, 5): batch index, x1, y1, x2, y2 in image coordinates (multiplied by
     *                      {@code spatialScale} to reach x's grid); on x's device
     * @param outH          the output height, ≥ 1
     * @param outW          the output width, ≥ 1
     * @param spatialScale  x's size over the image's, e.g. 1/16 for a stride-16 map; &gt; 0
     * @param samplingRatio samples per bin along each axis, ≥ 0 (0: ⌈region size / output size⌉, adaptive)
     * @param aligned       torchvision's {@code aligned=True} (ONNX {@code half_pixel}): pixel centres at +0.5
     * @throws IllegalArgumentException when x is not 4-D, rois is not (R, 5), a size or the scale is out of range,
     *                                  or a batch index is not a whole number in [0, N)
     */
    public static Tensor roiAlign(Tensor x, Tensor rois, int outH, int outW, float spatialScale, int samplingRatio,
                                  boolean aligned) {
        Convolution.requireRank4("roi_align", "input", x);
        Arithmetic.requireSameDevice("roi_align", x, rois);
        if (rois.rank() != 2 || rois.size(1) != 5) {
            throw new IllegalArgumentException("roi_align: rois must be (R, 5) = (batch index, x1, y1, x2, y2), got "
                    + Shape.str(rois.shape()));
        }
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("roi_align: output size must be >= 1, got " + outH + "x" + outW);
        }
        if (!(spatialScale > 0) || Float.isInfinite(spatialScale)) {
            throw new IllegalArgumentException("roi_align: spatial scale must be a positive number, got " + spatialScale);
        }
        if (samplingRatio < 0) {
            throw new IllegalArgumentException("roi_align: sampling ratio must be >= 0 (0 = adaptive), got "
                    + samplingRatio);
        }
        int[] s = x.shape();
        float[] r = rois.toArray();
        for (int i = 0; i < rois.size(0); i++) {
            float b = r[i * 5];
            if (!(b >= 0 && b < s[0] && b == Math.rint(b))) {
                throw new IllegalArgumentException("roi_align: roi " + i + " has batch index " + b
                        + ", expected a whole number in [0, " + s[0] + ")");
            }
        }
        RoiAlignGeometry g = new RoiAlignGeometry(s[0], s[1], s[2], s[3], rois.size(0), outH, outW, spatialScale,
                samplingRatio, aligned);
        Tensor y = Tensor.empty(x.backend(), g.outputShape());
        if (y.numel() > 0) {
            x.backend().roiAlign(g, x.storage(), rois.storage(), y.storage());
        }
        return Autograd.record(y, new Op.RoiAlign(g), x, rois);
    }
}
