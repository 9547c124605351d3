package dev.nucleon.segmentation.augment;

import java.util.Random;

/**
 * Random affine warp (albumentations' ShiftScaleRotate): angle ~ U(−rotateLimit, rotateLimit) degrees
 * (counter-clockwise), scale ~ U(1 − scaleLimit, 1 + scaleLimit), shifts dx, dy ~ U(−shiftLimit,
 * shiftLimit) as fractions of width/height. The matrix is OpenCV's {@code getRotationMatrix2D} about the
 * centre (W/2, H/2) plus the shift; output size = input size; border reflect-101.
 * Defaults 0.0625 / 0.1 / 45.
 */
public final class ShiftScaleRotate implements Augmentation {
    private final double shiftLimit;
    private final double scaleLimit;
    private final double rotateLimit;

    /** Shift 0.0625, scale 0.1, rotation 45°. */
    public ShiftScaleRotate() {
        this(0.0625, 0.1, 45);
    }

    /**
     * Other limits.
     *
     * @param shiftLimit  the largest shift, a fraction of the width/height
     * @param scaleLimit  the largest relative scale change
     * @param rotateLimit the largest rotation, degrees
     */
    public ShiftScaleRotate(double shiftLimit, double scaleLimit, double rotateLimit) {
        this.shiftLimit = shiftLimit;
        this.scaleLimit = scaleLimit;
        this.rotateLimit = rotateLimit;
    }

    @Override
    public AugmentationSample apply(AugmentationSample s, Random r) {
        double angle = uniform(r, -rotateLimit, rotateLimit);
        double scale = uniform(r, 1 - scaleLimit, 1 + scaleLimit);
        double dx = uniform(r, -shiftLimit, shiftLimit), dy = uniform(r, -shiftLimit, shiftLimit);
        return warp(s, angle, scale, dx, dy);
    }

    /**
     * {@return the deterministic warp: rotate by {@code angle}° about the centre, scale, shift by (dx·W, dy·H)}
     *
     * @param s     the image and its target
     * @param angle the rotation, degrees counter-clockwise
     * @param scale the scale factor
     * @param dx    the shift, a fraction of the width
     * @param dy    the shift, a fraction of the height
     */
    public static AugmentationSample warp(AugmentationSample s, double angle, double scale, double dx, double dy) {
        int w = s.image().width(), h = s.image().height();
        double cx = w / 2.0, cy = h / 2.0, rad = Math.toRadians(angle);
        double a = scale * Math.cos(rad), b = scale * Math.sin(rad);
        // forward map M: [a b tx; -b a ty]
        double tx = (1 - a) * cx - b * cy + dx * w, ty = b * cx + (1 - a) * cy + dy * h;
        double det = a * a + b * b;
        float[] mx = new float[w * h], my = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = x - tx, v = y - ty; // inverse of [a b; -b a] is [a -b; b a] / det
                mx[y * w + x] = (float) ((a * u - b * v) / det);
                my[y * w + x] = (float) ((b * u + a * v) / det);
            }
        }
        return Remap.apply(s, mx, my, w, h, Remap.Border.REFLECT_101);
    }

    static double uniform(Random r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }
}
