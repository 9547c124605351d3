package dev.nucleon.segmentation.augment;

import dev.nucleon.segmentation.image.FloatImage;

import java.util.Random;

/** Point-wise intensity mapping of the colour channels, clipped to [0, 1]. */
final class Intensity {
    interface Op {
        float apply(float v);
    }

    private Intensity() {
    }

    static FloatImage map(FloatImage img, Op op) {
        int colour = img.hasAlpha() ? img.channels() - 1 : img.channels();
        int n = img.planeSize();
        float[] src = img.data(), out = src.clone();
        for (int i = 0; i < colour * n; i++) {
            out[i] = Math.max(0f, Math.min(1f, op.apply(src[i])));
        }
        return new FloatImage(img.width(), img.height(), img.channels(), out);
    }
}
