package dev.nucleon.segmentation.inference;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.preprocess.Grayscale;

import java.awt.image.Raster;

/**
 * Which images a predictor hands to its colour model ({@link Predictor#colourModel(Predictor)}): stained,
 * transmitted-light colour images (H&amp;E, brightfield tissue), told from the pixels alone.
 * An image (three or more channels; a fourth, alpha, ignored) is one when
 * <ol>
 *   <li>at least {@value #MIN_COLOURED} of its pixels are <i>coloured</i>: |R − G| or |R − B| above
 *       {@value #OFF_GRAY} of full scale (so a gray image stored as JPEG, whose chroma noise is a few levels, stays
 *       gray), and</li>
 *   <li>its median luma ({@link Grayscale}'s BT.601 weights) is at least {@value #MIN_MEDIAN_LUMA}: a lit background,
 *       as transmitted light gives (so a fluorescence image shown in false colour, dark around its nuclei, stays with
 *       the main model).</li>
 * </ol>
 * On DSB2018 {@code stage1_train_fixed} this picks exactly the 107 colour images (each has ≥ 40 % coloured pixels
 * and a median luma ≥ 0.40; every gray image has none), so the grouped-validation figures are those of the plain
 * "any pixel off gray" rule the colour model was chosen with.
 */
final class ColourRule {
    /** Channel difference, as a fraction of full scale, above which a pixel counts as coloured (8 levels of 255). */
    static final double OFF_GRAY = 8 / 255.0;
    /** Fraction of coloured pixels from which an image counts as colour. */
    static final double MIN_COLOURED = 0.05;
    /** Median luma (0–1) from which a colour image counts as transmitted light. */
    static final double MIN_MEDIAN_LUMA = 0.25;

    private static final int BINS = 1024;

    private final long[] luma = new long[BINS];
    private long pixels;
    private long coloured;

    private ColourRule() {
    }

    /**
     * {@return whether a decoded image goes to the colour model}
     *
     * @param image (C, H, W) in [0, 1]; fewer than 3 channels: never
     */
    static boolean isColour(FloatImage image) {
        if (image.channels() < 3) {
            return false;
        }
        ColourRule rule = new ColourRule();
        float[] d = image.data();
        int n = image.width() * image.height();
        for (int i = 0; i < n; i++) {
            rule.add(d[i], d[n + i], d[2 * n + i]);
        }
        return rule.decide();
    }

    /**
     * {@return whether a decoded raster of integer samples goes to the colour model} The same rule, its samples
     * scaled by the largest value of their bit depth. Reads row by row.
     *
     * @param r a raster of 8- or 16-bit samples; fewer than 3 bands: never
     */
    static boolean isColour(Raster r) {
        if (r.getNumBands() < 3) {
            return false;
        }
        int bands = r.getNumBands(), w = r.getWidth();
        double scale = 1.0 / ((1L << r.getSampleModel().getSampleSize(0)) - 1);
        ColourRule rule = new ColourRule();
        int[] row = new int[w * bands];
        for (int y = 0; y < r.getHeight(); y++) {
            r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
            for (int i = 0; i < row.length; i += bands) {
                rule.add(row[i] * scale, row[i + 1] * scale, row[i + 2] * scale);
            }
        }
        return rule.decide();
    }

    private void add(double red, double green, double blue) {
        pixels++;
        if (Math.abs(red - green) > OFF_GRAY || Math.abs(red - blue) > OFF_GRAY) {
            coloured++;
        }
        double y = Grayscale.R * red + Grayscale.G * green + Grayscale.B * blue;
        luma[(int) Math.max(0, Math.min(BINS - 1, y * (BINS - 1)))]++;
    }

    private boolean decide() {
        if (pixels == 0 || coloured < MIN_COLOURED * pixels) {
            return false;
        }
        long below = 0;
        for (int b = 0; b < BINS; b++) { // the median's bin: half of the pixels at or below it
            below += luma[b];
            if (2 * below >= pixels) {
                return (b + 0.5) / (BINS - 1) >= MIN_MEDIAN_LUMA;
            }
        }
        return false;
    }
}
