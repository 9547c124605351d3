package dev.nucleon.segmentation.augment;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.util.Random;

/**
 * Rotation by k · 90° counter-clockwise, k uniform in {0, 1, 2, 3} (albumentations' RandomRotate90,
 * numpy's {@code rot90}). Odd k swaps width and height.
 */
public final class RandomRotate90 implements Augmentation {
    @Override
    public AugmentationSample apply(AugmentationSample s, Random random) {
        return rotate(s, random.nextInt(4));
    }

    /**
     * Rotates by k · 90° counter-clockwise.
     *
     * @param s the image and its target
     * @param k quarter turns, 0 to 3
     * @return the rotated sample
     */
    public static AugmentationSample rotate(AugmentationSample s, int k) {
        k = Math.floorMod(k, 4);
        FloatImage img = s.image();
        int w = img.width(), h = img.height(), c = img.channels(), n = w * h;
        int ow = k % 2 == 0 ? w : h, oh = k % 2 == 0 ? h : w;
        float[] src = img.data(), out = new float[src.length];
        int[] l = s.target() == null ? null : s.target().data();
        int[] lo = l == null ? null : new int[n];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx, sy;
                switch (k) {
                    case 0 -> { sx = x; sy = y; }
                    case 1 -> { sx = w - 1 - y; sy = x; }        // counter-clockwise
                    case 2 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    default -> { sx = y; sy = h - 1 - x; }
                }
                int o = y * ow + x, i = sy * w + sx;
                for (int ch = 0; ch < c; ch++) {
                    out[ch * n + o] = src[ch * n + i];
                }
                if (lo != null) {
                    lo[o] = l[i];
                }
            }
        }
        return new AugmentationSample(new FloatImage(ow, oh, c, out), lo == null ? null : new LabelImage(ow, oh, lo));
    }
}
