package dev.nucleon.segmentation.preprocess;

import dev.nucleon.segmentation.image.FloatImage;

/**
 * Colour to gray: luma Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as OpenCV's {@code COLOR_RGB2GRAY}
 * and Pillow's {@code convert("L")}). Alpha is ignored; a gray or gray+alpha image gives its gray plane.
 * For DSB2018's grayscale images (R = G = B) the result equals R exactly up to float rounding.
 */
public final class Grayscale {
    /** Weight of red in the luma. */
    public static final float R = 0.299f;
    /** Weight of green in the luma. */
    public static final float G = 0.587f;
    /** Weight of blue in the luma. */
    public static final float B = 0.114f;

    private Grayscale() {
    }

    /**
     * The gray plane of an image.
     *
     * @param image (C, H, W) with C in 1..4
     * @return (1, H, W), a new image
     */
    public static FloatImage of(FloatImage image) {
        int c = image.channels();
        if (c <= 2) {
            return image.channel(0);
        }
        if (c > 4) {
            throw new IllegalArgumentException("Grayscale: expected 1 to 4 channels, got " + c);
        }
        int n = image.planeSize();
        float[] d = image.data(), out = new float[n];
        for (int i = 0; i < n; i++) {
            float r = d[i], g = d[n + i], b = d[2 * n + i];
            out[i] = r == g && g == b ? r : R * r + G * g + B * b;
        }
        return new FloatImage(image.width(), image.height(), 1, out);
    }
}
