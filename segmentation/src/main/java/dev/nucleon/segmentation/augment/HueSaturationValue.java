package dev.nucleon.segmentation.augment;

import dev.nucleon.segmentation.image.FloatImage;

import java.util.Random;

/**
 * Hue, saturation and value shifts (albumentations' HueSaturationValue, limits 20 / 30 / 20). Limits are
 * in albumentations' 8-bit units, the ones DSB2018's PNGs were augmented with: hue in OpenCV's 0..180
 * scale (so 20 = ±40°), saturation and value in 0..255 (so 30 = ±30/255). RGB → HSV, shift (hue
 * wraps, S and V clip to [0, 1]), HSV → RGB. On a gray image (1 or 2 channels) hue and saturation have no
 * effect and only the value shift applies. Image only.
 */
public final class HueSaturationValue implements Augmentation {
    private final double hueLimit;
    private final double satLimit;
    private final double valLimit;

    /** Limits 20 / 30 / 20 (albumentations' 8-bit units). */
    public HueSaturationValue() {
        this(20, 30, 20);
    }

    /**
     * Other limits, in albumentations' 8-bit units.
     *
     * @param hueLimit the largest hue shift, OpenCV's 0..180 scale
     * @param satLimit the largest saturation shift, 0..255 scale
     * @param valLimit the largest value shift, 0..255 scale
     */
    public HueSaturationValue(double hueLimit, double satLimit, double valLimit) {
        this.hueLimit = hueLimit;
        this.satLimit = satLimit;
        this.valLimit = valLimit;
    }

    @Override
    public AugmentationSample apply(AugmentationSample s, Random r) {
        double dh = ShiftScaleRotate.uniform(r, -hueLimit, hueLimit) * 2.0; // degrees
        double ds = ShiftScaleRotate.uniform(r, -satLimit, satLimit) / 255.0;
        double dv = ShiftScaleRotate.uniform(r, -valLimit, valLimit) / 255.0;
        return new AugmentationSample(shift(s.image(), dh, ds, dv), s.target());
    }

    /**
     * Shifts hue by {@code dh} degrees and saturation/value by {@code ds}, {@code dv} in [0, 1] units.
     *
     * @param img (C, H, W) in [0, 1], not modified
     * @param dh  the hue shift, degrees
     * @param ds  the saturation shift, in [0, 1] units
     * @param dv  the value shift, in [0, 1] units
     * @return a new image
     */
    public static FloatImage shift(FloatImage img, double dh, double ds, double dv) {
        if (img.channels() < 3) {
            float v = (float) dv;
            return Intensity.map(img, x -> x + v);
        }
        int n = img.planeSize();
        float[] src = img.data(), out = src.clone();
        for (int i = 0; i < n; i++) {
            double r = src[i], g = src[n + i], b = src[2 * n + i];
            double max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b)), d = max - min;
            double h = 0;
            if (d > 0) {
                if (max == r) {
                    h = 60 * (((g - b) / d) % 6);
                } else if (max == g) {
                    h = 60 * ((b - r) / d + 2);
                } else {
                    h = 60 * ((r - g) / d + 4);
                }
            }
            double sat = max > 0 ? d / max : 0, val = max;
            h = ((h + dh) % 360 + 360) % 360;
            sat = Math.max(0, Math.min(1, sat + ds));
            val = Math.max(0, Math.min(1, val + dv));
            double c = val * sat, x = c * (1 - Math.abs((h / 60) % 2 - 1)), m = val - c;
            double rr, gg, bb;
            int sector = (int) (h / 60) % 6;
            switch (sector) {
                case 0 -> { rr = c; gg = x; bb = 0; }
                case 1 -> { rr = x; gg = c; bb = 0; }
                case 2 -> { rr = 0; gg = c; bb = x; }
                case 3 -> { rr = 0; gg = x; bb = c; }
                case 4 -> { rr = x; gg = 0; bb = c; }
                default -> { rr = c; gg = 0; bb = x; }
            }
            out[i] = (float) (rr + m);
            out[n + i] = (float) (gg + m);
            out[2 * n + i] = (float) (bb + m);
        }
        return new FloatImage(img.width(), img.height(), img.channels(), out);
    }
}
