package dev.nucleon.segmentation.augment;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.util.Random;

/** Shared flip code. */
final class Flips {
    private Flips() {
    }

    static AugmentationSample flip(AugmentationSample s, boolean horizontal) {
        FloatImage img = s.image();
        int w = img.width(), h = img.height(), c = img.channels(), n = w * h;
        float[] src = img.data(), out = new float[src.length];
        for (int k = 0; k < c; k++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sx = horizontal ? w - 1 - x : x, sy = horizontal ? y : h - 1 - y;
                    out[k * n + y * w + x] = src[k * n + sy * w + sx];
                }
            }
        }
        LabelImage t = null;
        if (s.target() != null) {
            int[] l = s.target().data(), lo = new int[n];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sx = horizontal ? w - 1 - x : x, sy = horizontal ? y : h - 1 - y;
                    lo[y * w + x] = l[sy * w + sx];
                }
            }
            t = new LabelImage(w, h, lo);
        }
        return new AugmentationSample(new FloatImage(w, h, c, out), t);
    }
}
