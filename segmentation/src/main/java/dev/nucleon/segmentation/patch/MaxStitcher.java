package dev.nucleon.segmentation.patch;

import dev.nucleon.segmentation.image.FloatImage;

/**
 * Reassembles patch predictions into the full image, paper 004's way: where patches overlap, the maximum
 * prediction wins. Parts of a patch beyond the image edge (its zero padding) are dropped; pixels no patch
 * covered are 0.
 */
public final class MaxStitcher {
    private final int width;
    private final int height;
    private final int channels;
    private final float[] data;
    private final boolean[] covered;

    /**
     * An empty (C, H, W) output; pixels no patch covers end up 0.
     *
     * @param width    W, pixels
     * @param height   H, pixels
     * @param channels C
     */
    public MaxStitcher(int width, int height, int channels) {
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.data = new float[width * height * channels];
        this.covered = new boolean[width * height];
        java.util.Arrays.fill(data, Float.NEGATIVE_INFINITY);
    }

    /**
     * Merges a (C, h, w) patch whose top-left corner is at (x, y).
     *
     * @param patch (C, h, w), clipped at the output's edge
     * @param x     its left column in the output
     * @param y     its top row in the output
     */
    public void add(FloatImage patch, int x, int y) {
        if (patch.channels() != channels) {
            throw new IllegalArgumentException("MaxStitcher: patch has " + patch.channels() + " channels, expected "
                    + channels);
        }
        int pw = patch.width(), ph = patch.height(), n = width * height, pn = pw * ph;
        float[] p = patch.data();
        for (int yy = Math.max(0, y); yy < Math.min(height, y + ph); yy++) {
            for (int xx = Math.max(0, x); xx < Math.min(width, x + pw); xx++) {
                int i = yy * width + xx, j = (yy - y) * pw + (xx - x);
                covered[i] = true;
                for (int c = 0; c < channels; c++) {
                    float v = p[c * pn + j];
                    if (v > data[c * n + i]) {
                        data[c * n + i] = v;
                    }
                }
            }
        }
    }

    /** {@return the stitched (C, H, W) image} */
    public FloatImage result() {
        float[] out = data.clone();
        int n = width * height;
        for (int i = 0; i < n; i++) {
            if (!covered[i]) {
                for (int c = 0; c < channels; c++) {
                    out[c * n + i] = 0f;
                }
            }
        }
        return new FloatImage(width, height, channels, out);
    }
}
