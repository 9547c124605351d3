package dev.nucleon.segmentation.preprocess;

import dev.nucleon.segmentation.image.FloatImage;

import java.util.Arrays;

/**
 * The one deterministic image → network-input conversion shared by training and inference (the bundled
 * model was trained with it), one channel out:
 * <ol>
 *   <li>colour to gray with {@link Grayscale} (BT.601 luma; DSB2018's gray images, R = G = B, are unchanged);</li>
 *   <li><b>inverted</b> ({@code 1 − v}) when the background is bright, i.e. when the median gray value is above
 *       0.5, as in H&amp;E / brightfield images where nuclei are dark on light tissue, so that nuclei are
 *       always brighter than their surroundings, as in fluorescence images;</li>
 *   <li>percentile normalisation to the 1st/99.8th percentile, clipped to [0, 1]
 *       ({@link PercentileNormalization}), which evens out exposure between the dataset's many
 *       instruments.</li>
 * </ol>
 * The median is taken over every pixel (exact, sorting a copy), so the result depends on the pixels only.
 */
public final class NetworkInput {
    /** The name recorded in model files trained with this conversion. */
    public static final String NAME = "gray-invert-bright-p1-p99.8";

    private static final PercentileNormalization PERCENTILES = new PercentileNormalization(1.0, 99.8, true, true);

    private NetworkInput() {
    }

    /**
     * @param image (C, H, W) in [0, 1], C in 1..4 (alpha ignored)
     * @return (1, H, W) in [0, 1], nuclei bright
     */
    public static FloatImage prepare(FloatImage image) {
        FloatImage gray = Grayscale.of(image);
        if (brightBackground(gray)) {
            float[] d = gray.data(), out = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                out[i] = 1f - d[i];
            }
            gray = new FloatImage(gray.width(), gray.height(), 1, out);
        }
        return PERCENTILES.apply(gray);
    }

    /** True when the median of the (1, H, W) gray image is above 0.5. */
    public static boolean brightBackground(FloatImage gray) {
        float[] sorted = Arrays.copyOf(gray.data(), gray.planeSize());
        Arrays.sort(sorted);
        return PercentileNormalization.percentile(sorted, 50) > 0.5;
    }
}
