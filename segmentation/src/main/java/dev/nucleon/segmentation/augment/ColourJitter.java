package dev.nucleon.segmentation.augment;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.preprocess.Grayscale;

import java.util.Random;

/**
 * Colour augmentation of a three-channel network input in [0, 1], for stain and scanner variation between
 * H&amp;E slides: with probability 0.5 a hue shift of up to ±{@code hueDegrees} ({@link HueSaturationValue}),
 * with probability 0.5 a gain per channel in [0.85, 1.15] (stain strength), and with probability 0.1 the
 * image replaced by its BT.601 gray replicated on three planes (so colour is never the only cue).
 * Gray inputs (R = G = B) are unchanged by the hue shift and by the gray replacement.
 */
public final class ColourJitter {
    private ColourJitter() {
    }

    /**
     * @param image (3, H, W); @return a new (3, H, W) image
     * @param r          the random source
     * @param hueDegrees the largest hue shift, degrees
     * @return the jittered image
     */
    public static FloatImage apply(FloatImage image, Random r, double hueDegrees) {
        if (image.channels() != 3) {
            throw new IllegalArgumentException("ColourJitter: expected 3 channels, got " + image.channels());
        }
        FloatImage out = image;
        if (r.nextDouble() < 0.5) {
            out = HueSaturationValue.shift(out, (r.nextDouble() * 2 - 1) * hueDegrees, 0, 0);
        }
        if (r.nextDouble() < 0.5) {
            float[] d = out.data().clone();
            int n = out.planeSize();
            for (int c = 0; c < 3; c++) {
                float g = (float) (0.85 + 0.3 * r.nextDouble());
                for (int i = c * n; i < (c + 1) * n; i++) {
                    d[i] = Math.min(1f, d[i] * g);
                }
            }
            out = new FloatImage(out.width(), out.height(), 3, d);
        }
        if (r.nextDouble() < 0.1) {
            FloatImage g = Grayscale.of(out);
            out = FloatImage.stack(g, g, g);
        }
        return out;
    }
}
