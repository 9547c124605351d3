package dev.nucleon.segmentation.preprocess;

import dev.nucleon.segmentation.image.FloatImage;

/**
 * NaN and ±Inf samples of float images (a float TIFF may hold them: masked pixels, a division by zero upstream).
 * Left in, one such sample spreads through every convolution whose window covers it and blanks a whole region of
 * the network's output; {@link NetworkInput} therefore counts them, warns once per image, and replaces them by
 * background before anything else sees them.
 */
public final class NonFiniteSamples {
    private NonFiniteSamples() {
    }

    /**
     * {@return how many samples of {@code image} (all channels) are NaN or infinite}
     *
     * @param image the image
     */
    public static long count(FloatImage image) {
        long n = 0;
        for (float v : image.data()) {
            if (!Float.isFinite(v)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Each channel's NaN/±Inf samples replaced by that channel's finite minimum ({@code useMax}: maximum); 0 in a
     * channel with no finite sample. Returns {@code image} itself when it has no such sample.
     *
     * @param useMax true when the background is bright (the image is about to be inverted), so that the
     *               replaced samples are background either way
     * @param image the image, not modified
     * @return a new image, or {@code image} itself
     */
    public static FloatImage replace(FloatImage image, boolean useMax) {
        if (count(image) == 0) {
            return image;
        }
        float[] d = image.data(), out = d.clone();
        int n = image.planeSize();
        for (int c = 0; c < image.channels(); c++) {
            float fill = Float.NaN;
            for (int i = c * n; i < (c + 1) * n; i++) {
                if (Float.isFinite(d[i]) && (Float.isNaN(fill) || (useMax ? d[i] > fill : d[i] < fill))) {
                    fill = d[i];
                }
            }
            if (Float.isNaN(fill)) {
                fill = 0f;
            }
            for (int i = c * n; i < (c + 1) * n; i++) {
                if (!Float.isFinite(d[i])) {
                    out[i] = fill;
                }
            }
        }
        return new FloatImage(image.width(), image.height(), image.channels(), out);
    }
}
