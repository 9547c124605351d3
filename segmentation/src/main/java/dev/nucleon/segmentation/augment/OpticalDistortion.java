package dev.nucleon.segmentation.augment;

import java.util.Random;

/**
 * Barrel/pincushion lens distortion (albumentations' OpticalDistortion): radial coefficients
 * k1 = k2 = k ~ U(−distortLimit, distortLimit), camera matrix fx = W, fy = H, centre (W/2 + dx, H/2 + dy);
 * each output pixel samples the input where OpenCV's {@code initUndistortRectifyMap} puts it:
 * x' = x · (1 + k r² + k r⁴) in normalised coordinates. Deviation: albumentations rounds its shift to whole
 * pixels <em>before</em> scaling (so it is almost always 0); here dx, dy ~ U(−shiftLimit, shiftLimit) · W, H
 * as the parameter's name intends. Defaults 0.05 / 0.05; border reflect-101.
 */
public final class OpticalDistortion implements Augmentation {
    private final double distortLimit;
    private final double shiftLimit;

    /** Distortion and shift limits 0.05. */
    public OpticalDistortion() {
        this(0.05, 0.05);
    }

    /**
     * Other limits.
     *
     * @param distortLimit the largest |k|
     * @param shiftLimit   the largest centre shift, a fraction of the width/height
     */
    public OpticalDistortion(double distortLimit, double shiftLimit) {
        this.distortLimit = distortLimit;
        this.shiftLimit = shiftLimit;
    }

    @Override
    public AugmentationSample apply(AugmentationSample s, Random r) {
        double k = ShiftScaleRotate.uniform(r, -distortLimit, distortLimit);
        double dx = ShiftScaleRotate.uniform(r, -shiftLimit, shiftLimit);
        double dy = ShiftScaleRotate.uniform(r, -shiftLimit, shiftLimit);
        return distort(s, k, dx, dy);
    }

    /**
     * {@return the deterministic distortion with coefficient k and centre shift (dx·W, dy·H)}
     *
     * @param s  the image and its target
     * @param k  the radial coefficient k1 = k2
     * @param dx the centre's shift, pixels
     * @param dy the centre's shift, pixels
     */
    public static AugmentationSample distort(AugmentationSample s, double k, double dx, double dy) {
        int w = s.image().width(), h = s.image().height();
        double fx = w, fy = h, cx = w * 0.5 + dx * w, cy = h * 0.5 + dy * h;
        float[] mx = new float[w * h], my = new float[w * h];
        for (int v = 0; v < h; v++) {
            for (int u = 0; u < w; u++) {
                double x = (u - cx) / fx, y = (v - cy) / fy, r2 = x * x + y * y;
                double kr = 1 + k * r2 + k * r2 * r2;
                mx[v * w + u] = (float) (fx * x * kr + cx);
                my[v * w + u] = (float) (fy * y * kr + cy);
            }
        }
        return Remap.apply(s, mx, my, w, h, Remap.Border.REFLECT_101);
    }
}
