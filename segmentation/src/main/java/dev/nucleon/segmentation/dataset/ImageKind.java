package dev.nucleon.segmentation.dataset;

import dev.nucleon.segmentation.image.FloatImage;

/**
 * Grayscale (fluorescence; R = G = B in DSB2018's RGBA files) or colour (brightfield, mostly H&amp;E).
 * Paper 004 trains on grayscale images only.
 */
public enum ImageKind {
    /** Every pixel has R = G = B (fluorescence, gray brightfield). */
    GRAY,
    /** Colour (brightfield stains, mostly H&amp;E). */
    COLOUR;

    /**
     * {@return the kind of a decoded image: GRAY when every pixel has R = G = B exactly}
     *
     * @param image a decoded (C, H, W) image
     */
    public static ImageKind of(FloatImage image) {
        return image.isGrayscale(0f) ? GRAY : COLOUR;
    }

    /**
     * Parses the manifest's {@code image_kind} column ("gray"/"grey", "color"/"colour").
     *
     * @param s the column's value, case-insensitive
     * @return the kind
     * @throws IllegalArgumentException for any other value
     */
    public static ImageKind parse(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (t) {
            case "gray", "grey", "grayscale", "greyscale" -> GRAY;
            case "color", "colour" -> COLOUR;
            default -> throw new IllegalArgumentException("image kind '" + s + "': expected gray or color");
        };
    }
}
