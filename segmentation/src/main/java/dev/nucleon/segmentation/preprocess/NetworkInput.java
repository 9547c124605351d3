package dev.nucleon.segmentation.preprocess;

import dev.nucleon.segmentation.image.FloatImage;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The deterministic image → network-input conversions shared by training and inference. A model file names
 * the one it was trained with (metadata {@code nucleon.input}); three exist.
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
 * <p>{@link #PAPER004_NAME} ({@value #PAPER004_NAME}), one channel out, paper 004's pre-processing ("Images
 * pre-processing": CLAHE, then total-variation denoising, then the values rescaled to [0, 1]): gray with
 * {@link Grayscale}, {@link Clahe} (8×8 tiles, clip limit 2), {@link TotalVariationDenoising} (Chambolle, weight
 * 0.1) and a min–max rescale to [0, 1] (a constant image becomes 0). No inversion: the paper trains on grayscale
 * (fluorescence) images only.
 *
 * <p>Before any: <b>numeric sanity</b> for float images. Alpha is dropped; a float image whose finite samples
 * leave [0, 1] (a float32 TIFF of 0–1000, say) is first scaled by its own finite range
 * ({@link IntensityScaling#toUnitRange}), so the "median above 0.5" rule is decided on values in [0, 1] whatever
 * the file's units; integer images (already in [0, 1]) are untouched, bit for bit. NaN and ±Inf samples are
 * reported once per image to the {@linkplain #warnings(Consumer) warning sink}, left out of the median, and
 * replaced by background ({@link NonFiniteSamples}: each plane's finite minimum, or maximum when the image is
 * inverted), so they cannot spread through the network.
 *
 * <p>Medians and percentiles are exact (sorting a copy), so the result depends on the pixels only.
 */
public final class NetworkInput {
    /** The one-channel conversion's name, recorded in model files trained with it. */
    public static final String NAME = "gray-invert-bright-p1-p99.8";
    /** The three-channel conversion's name. */
    public static final String RGB_NAME = "rgb-invert-bright-p1-p99.8";
    /** Paper 004's conversion: gray, CLAHE, total-variation denoising, min–max to [0, 1]. */
    public static final String PAPER004_NAME = "gray-clahe-tv-unit";

    /** The low percentile each plane is scaled from (the names' "p1"). */
    public static final double LOW_PERCENTILE = 1.0;
    /** The high percentile each plane is scaled to (the names' "p99.8"). */
    public static final double HIGH_PERCENTILE = 99.8;
    private static final PercentileNormalization PERCENTILES = new PercentileNormalization(LOW_PERCENTILE,
            HIGH_PERCENTILE, true, true);

    private static volatile Consumer<String> sharedSink = NetworkInput::log;

    private NetworkInput() {
    }

    /**
     * @param image (C, H, W), C in 1..4 (alpha ignored), in [0, 1] or any float range (see the class comment)
     * @return (1, H, W) in [0, 1], nuclei bright
     */
    public static FloatImage prepare(FloatImage image) {
        return prepare(image, sharedSink);
    }

    private static FloatImage prepare(FloatImage image, Consumer<String> warn) {
        FloatImage gray = Grayscale.of(finiteUnitRange(image, warn));
        boolean bright = brightBackground(gray);
        gray = NonFiniteSamples.replace(gray, bright);
        if (bright) {
            gray = invert(gray);
        }
        return PERCENTILES.apply(gray);
    }

    /**
     * @param image (C, H, W), C in 1..4 (alpha ignored), in [0, 1] or any float range (see the class comment)
     * @return (3, H, W) in [0, 1], nuclei bright, see the class comment
     */
    public static FloatImage prepareRgb(FloatImage image) {
        return prepareRgb(image, sharedSink);
    }

    private static FloatImage prepareRgb(FloatImage image, Consumer<String> warn) {
        FloatImage rgb = finiteUnitRange(image, warn);
        if (rgb.channels() == 1) {
            rgb = FloatImage.stack(rgb, rgb, rgb);
        }
        boolean bright = brightBackground(Grayscale.of(rgb));
        rgb = NonFiniteSamples.replace(rgb, bright);
        if (bright) {
            rgb = invert(rgb);
        }
        return PERCENTILES.apply(rgb);
    }

    /**
     * @param image (C, H, W), C in 1..4 (alpha ignored), in [0, 1] or any float range
     * @return (1, H, W) in [0, 1]: paper 004's CLAHE → TV denoising → min–max, see the class comment
     */
    public static FloatImage preparePaper004(FloatImage image) {
        return preparePaper004(image, sharedSink);
    }

    private static FloatImage preparePaper004(FloatImage image, Consumer<String> warn) {
        FloatImage gray = Grayscale.of(finiteUnitRange(image, warn));
        gray = NonFiniteSamples.replace(gray, false);
        return IntensityScaling.minMax(new TotalVariationDenoising().apply(new Clahe().apply(gray)));
    }

    /**
     * As {@link #prepare(FloatImage, String)}, with this image's warnings (at most one: its NaN/Inf samples) sent
     * to {@code warn} instead of the {@linkplain #warnings(Consumer) shared sink}.
     *
     * @param image (C, H, W) image in [0, 1] as read
     * @param name  the conversion's name
     * @param warn  receives this image's warning, if any
     * @return the network input, (1, H, W) or (3, H, W)
     * @throws IllegalArgumentException for an unknown conversion name
     */
    public static FloatImage prepare(FloatImage image, String name, Consumer<String> warn) {
        return switch (name) {
            case NAME -> prepare(image, warn);
            case RGB_NAME -> prepareRgb(image, warn);
            case PAPER004_NAME -> preparePaper004(image, warn);
            default -> throw unknown(name);
        };
    }

    /**
     * Sends the warnings of {@link #prepare(FloatImage, String)} and friends (one line per image, e.g. "3 of 65536
     * samples are NaN or infinite …") to {@code sink} from now on; the default logs them through
     * {@link System.Logger} ({@code dev.nucleon.segmentation.preprocess.NetworkInput}, level WARNING). Returns
     * the previous sink.
     *
     * @param sink where warnings go (one line each)
     * @return the previous sink
     */
    public static Consumer<String> warnings(Consumer<String> sink) {
        Consumer<String> previous = sharedSink;
        sharedSink = java.util.Objects.requireNonNull(sink, "sink");
        return previous;
    }

    private static void log(String message) {
        System.getLogger(NetworkInput.class.getName()).log(System.Logger.Level.WARNING, message);
    }

    /** Alpha dropped, NaN/Inf reported (once), then {@link IntensityScaling#toUnitRange}. */
    private static FloatImage finiteUnitRange(FloatImage image, Consumer<String> warn) {
        FloatImage colour = image.channels() == 2 || image.channels() == 4 ? image.withoutAlpha() : image;
        long bad = NonFiniteSamples.count(colour);
        if (bad > 0) {
            warn.accept(String.format(Locale.ROOT, "%d of %d samples of the %dx%d image are NaN or infinite; "
                    + "they are treated as background", bad, colour.data().length, colour.width(), colour.height()));
        }
        return IntensityScaling.toUnitRange(colour);
    }

    /**
     * {@return the conversion named {@code name} ({@link #NAME}, {@link #RGB_NAME} or {@link #PAPER004_NAME})}
     *
     * @param image (C, H, W) image in [0, 1] as read
     * @param name  the conversion's name
     */
    public static FloatImage prepare(FloatImage image, String name) {
        return prepare(image, name, sharedSink);
    }

    /**
     * {@return channels the conversion named {@code name} gives}
     *
     * @param name the conversion's name
     * @throws IllegalArgumentException for an unknown name
     */
    public static int channels(String name) {
        return switch (name) {
            case NAME, PAPER004_NAME -> 1;
            case RGB_NAME -> 3;
            default -> throw unknown(name);
        };
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("network input '" + name + "': expected " + NAME + ", " + RGB_NAME
                + " or " + PAPER004_NAME);
    }

    /**
     * {@return true when the median of the (1, H, W) gray image's finite values is above 0.5}
     *
     * @param gray (1, H, W) gray image
     */
    public static boolean brightBackground(FloatImage gray) {
        float[] d = gray.data(), sorted = new float[gray.planeSize()];
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (Float.isFinite(d[i])) {
                sorted[n++] = d[i];
            }
        }
        if (n == 0) {
            return false;
        }
        sorted = Arrays.copyOf(sorted, n);
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
