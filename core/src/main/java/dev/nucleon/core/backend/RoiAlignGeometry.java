package dev.nucleon.core.backend;

/**
 * The sizes of one RoIAlign (Mask R-CNN, He et al. 2017; torchvision's {@code roi_align}, ONNX {@code RoiAlign}):
 * a feature map x (N, C, H, W), R regions of interest (R, 5) = (batch index, x1, y1, x2, y2) in image coordinates,
 * and the output y (R, C, outH, outW).
 *
 * <p>For region r with box scaled by {@code spatialScale} and shifted by −0.5 when {@code aligned}
 * (pixel (i, j) then has its centre at (i + 0.5, j + 0.5), ONNX's {@code half_pixel}; without it the box is
 * at least 1×1, ONNX's {@code output_half_pixel}):
 * <pre>
 *   binH = roiH / outH,  gridH = samplingRatio &gt; 0 ? samplingRatio : ⌈roiH / outH⌉   (the same along W)
 *   y[r, c, ph, pw] = 1/max(1, gridH·gridW) · Σ_{iy &lt; gridH, ix &lt; gridW}
 *                       bilinear(x[b, c], y1 + ph·binH + (iy + ½)·binH/gridH,  x1 + pw·binW + (ix + ½)·binW/gridW)
 * </pre>
 * where {@code bilinear} is 0 for a sample outside [−1, H] × [−1, W], clamps a sample in [−1, 0] to 0 and one past
 * the last row/column to it, and otherwise interpolates its four neighbours.
 *
 * @param n             the feature map's batch size
 * @param channels      C
 * @param height        H
 * @param width         W
 * @param rois          R, the number of regions
 * @param outH          the output's height per region, ≥ 1
 * @param outW          the output's width per region, ≥ 1
 * @param spatialScale  the feature map's size over the image's (1/stride), &gt; 0
 * @param samplingRatio samples per bin along each axis, or 0 for ⌈roi size / output size⌉ (adaptive)
 * @param aligned       shift the box by −0.5 (torchvision {@code aligned=True}, ONNX {@code half_pixel})
 */
public record RoiAlignGeometry(int n, int channels, int height, int width, int rois, int outH, int outW,
                               float spatialScale, int samplingRatio, boolean aligned) {

    /** {@return the input's shape (N, C, H, W)} */
    public int[] inputShape() {
        return new int[] {n, channels, height, width};
    }

    /** {@return the output's shape (R, C, outH, outW)} */
    public int[] outputShape() {
        return new int[] {rois, channels, outH, outW};
    }
}
