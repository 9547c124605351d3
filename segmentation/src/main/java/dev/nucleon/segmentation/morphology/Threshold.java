package dev.nucleon.segmentation.morphology;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.FloatImage;

/** Binarises a probability map: foreground where {@code p > threshold} (paper 004: 0.5). */
public final class Threshold {
    private Threshold() {
    }

    /**
     * @param probability (1, H, W), or (C, H, W) of which channel 0 is used
     * @param threshold the cut, strict: a pixel equal to it is background
     * @return mask of {@code p > threshold}
     */
    public static BinaryMask apply(FloatImage probability, float threshold) {
        int n = probability.planeSize();
        float[] p = probability.data();
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
            out[i] = p[i] > threshold;
        }
        return new BinaryMask(probability.width(), probability.height(), out);
    }
}
