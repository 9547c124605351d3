package dev.nucleon.segmentation.preprocess;

import dev.nucleon.segmentation.image.FloatImage;

import java.util.Arrays;

/**
 * The deterministic image → network-input conversions shared by training and inference. A model file names
 * the one it was trained with (metadata {@code nucleon.input}); two exist.
 *
 * <p>{@link #NAME} ({@value #NAME}), one channel out (the models before the instance-aware heads):
 * <ol>
 *   <li>colour to gray with {@link Grayscale} (BT.601 luma; DSB2018's gray images, R = G = B, are unchanged);</li>
 *   <li><b>inverted</b> ({@code 1 − v}) when the background is bright, i.e. when the median gray value is above
 *       0.5, as in H&amp;E / brightfield images where nuclei are dark on light tissue, so that nuclei are
 *       always brighter than their surroundings, as in fluorescence images;</li>
 *   <li>percentile normalisation to the 1st/99.8th percentile, clipped to [0, 1]
 *       ({@link PercentileNormalization}), which evens out exposure between the dataset's many
 *       instruments.</li>
 * </ol>
 *
 * <p>{@link #RGB_NAME} ({@value #RGB_NAME}), three channels out, so a network can tell haematoxylin from
 * eosin: the R, G, B planes (a gray image's one plane replicated; alpha dropped), all inverted when the gray
 * median is above 0.5, then each plane scaled to its own 1st–99.8th percentiles and clipped to [0, 1] (as
 * Cellpose and StarDist normalise channels). A map shared by the three planes would clip whole channels of an
 * H&amp;E image at the background; per plane, each stain's contrast survives. On a gray image all three planes
 * equal the one-channel input exactly.
 *
 * <p>Medians and percentiles are exact (sorting a copy), so the result depends on the pixels only.
 */
public final class NetworkInput {
    /** The one-channel conversion's name, recorded in model files trained with it. */
    public static final String NAME = "gray-invert-bright-p1-p99.8";
    /** The three-channel conversion's name. */
    public static final String RGB_NAME = "rgb-invert-bright-p1-p99.8";

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
            gray = invert(gray);
        }
        return PERCENTILES.apply(gray);
    }

    /**
     * @param image (C, H, W) in [0, 1], C in 1..4 (alpha ignored)
     * @return (3, H, W) in [0, 1], nuclei bright, see the class comment
     */
    public static FloatImage prepareRgb(FloatImage image) {
        FloatImage rgb = image.channels() == 2 || image.channels() == 4 ? image.withoutAlpha() : image;
        if (rgb.channels() == 1) {
            rgb = FloatImage.stack(rgb, rgb, rgb);
        }
        if (brightBackground(Grayscale.of(rgb))) {
            rgb = invert(rgb);
        }
        return PERCENTILES.apply(rgb);
    }

    /** The conversion named {@code name} ({@link #NAME} or {@link #RGB_NAME}). */
    public static FloatImage prepare(FloatImage image, String name) {
        return switch (name) {
            case NAME -> prepare(image);
            case RGB_NAME -> prepareRgb(image);
            default -> throw new IllegalArgumentException("network input '" + name + "': expected " + NAME + " or "
                    + RGB_NAME);
        };
    }

    /** Channels the conversion named {@code name} gives. */
    public static int channels(String name) {
        return switch (name) {
            case NAME -> 1;
            case RGB_NAME -> 3;
            default -> throw new IllegalArgumentException("network input '" + name + "': expected " + NAME + " or "
                    + RGB_NAME);
        };
    }

    /** True when the median of the (1, H, W) gray image is above 0.5. */
    public static boolean brightBackground(FloatImage gray) {
        float[] sorted = Arrays.copyOf(gray.data(), gray.planeSize());
        Arrays.sort(sorted);
        return PercentileNormalization.percentile(sorted, 50) > 0.5;
    }

    private static FloatImage invert(FloatImage image) {
        float[] d = image.data(), out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = 1f - d[i];
        }
        return new FloatImage(image.width(), image.height(), image.channels(), out);
    }
}
