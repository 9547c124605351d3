package dev.nucleon.segmentation.networks;

import java.util.Locale;

/**
 * How a U-Net's decoder doubles the resolution before concatenating the encoder's features of that level
 * (x (N, C, H, W) → (N, C', 2H, 2W)):
 * <ul>
 *   <li>{@link #TRANSPOSED}: a 2×2 transposed convolution with stride 2 halving the channels, C' = C/2
 *       (papers 000 and 002);</li>
 *   <li>{@link #NEAREST_CONV}: nearest-neighbour ×2 then a 2×2 "same" convolution halving the channels,
 *       C' = C/2 (the Keras U-Net paper 004 cites, {@code Conv2D(.., 2)(UpSampling2D()(x))});</li>
 *   <li>{@link #NEAREST}: nearest-neighbour ×2 only, C' = C (no weights).</li>
 * </ul>
 */
public enum UpMode {
    /** A 2×2 transposed convolution with stride 2 to C/2 channels. */
    TRANSPOSED,
    /** Nearest-neighbour ×2, then a 2×2 "same" convolution to C/2 channels. */
    NEAREST_CONV,
    /** Nearest-neighbour ×2 only; the channels stay C. */
    NEAREST;

    /**
     * {@return the mode a name stands for}
     *
     * @param text {@code transposed} (or {@code tc}, {@code t.c.}), {@code nearest-conv} (or {@code upconv}),
     *             {@code nearest} (or {@code us}, {@code u.s.}): case-insensitive, {@code _} read as {@code -},
     *             surrounding blanks ignored
     * @throws IllegalArgumentException when the text is none of them; the message names the choices
     */
    public static UpMode parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (t) {
            case "transposed", "tc", "t.c." -> TRANSPOSED;
            case "nearest-conv", "upconv" -> NEAREST_CONV;
            case "nearest", "us", "u.s." -> NEAREST;
            default -> throw new IllegalArgumentException("up-sampling mode: '" + text
                    + "' is not one of transposed (tc), nearest-conv, nearest (us)");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
