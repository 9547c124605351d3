package dev.nucleon.segmentation.dataset;

import java.util.Locale;

/**
 * The kinds of nuclei image a grouped validation reports on, assigned by fixed rules from an image's
 * {@link ImageFeatures} (rules written before any score was looked at; thresholds from the distribution of
 * DSB2018 stage1_train_fixed, whose gray fluorescence images have a median nucleus area of 216 px):
 * <ol>
 *   <li>{@link #COLOUR}: a colour image (H&amp;E / brightfield tissue; 107 of 664);</li>
 *   <li>{@link #BRIGHTFIELD}: a gray image with a bright background (dark nuclei on light ground; 16);</li>
 *   <li>{@link #FLUO_LARGE}: gray fluorescence whose median nucleus is at least {@value #LARGE_AREA} px;</li>
 *   <li>{@link #FLUO_DENSE}: other gray fluorescence with at least {@value #DENSE_FOREGROUND} of the image
 *       inside nuclei (crowded, tissue-like);</li>
 *   <li>{@link #FLUO_SMALL}: the rest, sparse small nuclei (most of the data).</li>
 * </ol>
 */
public enum NucleiKind {
    /** Gray fluorescence with sparse small nuclei. */
    FLUO_SMALL("small-nuclei fluorescence"),
    /** Gray fluorescence whose median nucleus is at least {@value #LARGE_AREA} px. */
    FLUO_LARGE("large-nuclei fluorescence"),
    /** Gray fluorescence with at least {@value #DENSE_FOREGROUND} of the image inside nuclei. */
    FLUO_DENSE("dense tissue-like fluorescence"),
    /** A gray image with a bright background (dark nuclei on light ground). */
    BRIGHTFIELD("gray brightfield"),
    /** A colour image (H&amp;E / brightfield tissue). */
    COLOUR("H&E / brightfield colour");

    /** Median nucleus area (px) from which gray fluorescence counts as large. */
    public static final double LARGE_AREA = 800;
    /** Foreground fraction from which gray fluorescence counts as dense. */
    public static final double DENSE_FOREGROUND = 0.15;

    private final String description;

    NucleiKind(String description) {
        this.description = description;
    }

    /** {@return a few words for people, e.g. {@code "small-nuclei fluorescence"}} */
    public String description() {
        return description;
    }

    /** {@return the short name used in tables and CSV files, e.g. {@code fluo-small}} */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * {@return the kind of an image, by the rules of the class comment}
     *
     * @param f the image's features
     */
    public static NucleiKind of(ImageFeatures f) {
        if (f.colour()) {
            return COLOUR;
        }
        if (f.brightBackground()) {
            return BRIGHTFIELD;
        }
        if (f.medianArea() >= LARGE_AREA) {
            return FLUO_LARGE;
        }
        return f.foreground() >= DENSE_FOREGROUND ? FLUO_DENSE : FLUO_SMALL;
    }

    /**
     * Parses {@link #label()}.
     *
     * @param s a {@link #label()} (surrounding blanks ignored)
     * @return the kind
     * @throws IllegalArgumentException for an unknown label
     */
    public static NucleiKind parse(String s) {
        for (NucleiKind k : values()) {
            if (k.label().equals(s.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("nuclei kind '" + s + "': expected one of fluo-small, fluo-large, "
                + "fluo-dense, brightfield, colour");
    }
}
