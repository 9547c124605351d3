package dev.nucleon.segmentation.preprocess;

import dev.nucleon.segmentation.image.FloatImage;

/** Linear intensity rescaling to [0, 1] (paper 002: "normalised to a range between 0 and 1"). */
public final class IntensityScaling {
    private IntensityScaling() {
    }

    /**
     * (v − min) / (max − min) over all channels jointly; a constant image becomes all zeros.
     *
     * @param image (C, H, W), not modified
     * @return a new image in [0, 1]
     */
    public static FloatImage minMax(FloatImage image) {
        float lo = image.min(), hi = image.max();
        float[] d = image.data(), out = new float[d.length];
        float range = hi - lo;
        if (range > 0 && Float.isFinite(range)) {
            float inv = 1f / range;
            for (int i = 0; i < d.length; i++) {
                out[i] = (d[i] - lo) * inv;
            }
        }
        return new FloatImage(image.width(), image.height(), image.channels(), out);
    }

    /**
     * A float image brought into [0, 1] by its own finite range: when every finite sample already lies in
     * [0, 1] (always so for integer images read by {@code ImageFileReader}, which divides by 2^bits − 1) the
     * image itself is returned, unchanged; otherwise {@code (v − min) / (max − min)} over all channels jointly,
     * min and max taken over the finite samples only (a constant image becomes all zeros). NaN and ±Inf
     * samples stay as they are (see {@link NonFiniteSamples}).
     *
     * @param image (C, H, W), not modified
     * @return {@code image} itself or a new image in [0, 1]
     */
    public static FloatImage toUnitRange(FloatImage image) {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float v : image.data()) {
            if (Float.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo > hi || (lo >= 0f && hi <= 1f)) { // no finite sample, or already in range
            return image;
        }
        double range = (double) hi - lo, inv = range > 0 ? 1.0 / range : 0;
        float[] d = image.data(), out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = Float.isFinite(d[i]) ? (float) ((d[i] - (double) lo) * inv) : d[i];
        }
        return new FloatImage(image.width(), image.height(), image.channels(), out);
    }

    /**
     * {@return v / maxValue (e.g. 255 or 65535 for raw samples), clipped to [0, 1]}
     *
     * @param image    (C, H, W) raw samples, not modified
     * @param maxValue the largest sample value, &gt; 0
     */
    public static FloatImage divide(FloatImage image, float maxValue) {
        if (!(maxValue > 0)) {
            throw new IllegalArgumentException("IntensityScaling: maxValue must be > 0, got " + maxValue);
        }
        float[] d = image.data(), out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = Math.max(0f, Math.min(1f, d[i] / maxValue));
        }
        return new FloatImage(image.width(), image.height(), image.channels(), out);
    }
}
