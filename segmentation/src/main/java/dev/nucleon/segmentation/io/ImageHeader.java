package dev.nucleon.segmentation.io;

import java.util.Locale;

/**
 * What an image file's header says about one page, read without decoding its pixels
 * ({@link ImageFileReader#probe}): its size, channels as {@link dev.nucleon.segmentation.image.FloatImage} counts
 * them (gray = 1, gray+alpha = 2, RGB = 3, RGBA = 4; a palette as the channels it expands to), bits per stored
 * sample, and whether samples are floating point.
 *
 * <p>{@link #decodedBytes} is the size of the decoder's raster (its most compact in-memory form);
 * {@link #floatBytes} the size of the (C, H, W) float image {@link ImageFileReader#read} makes of it.
 *
 * <p>What the file holds besides the page: {@code pages}, its number of pages (TIFF directories; 1 for the other
 * formats); {@code stackChannels}, how many of them are the channels of one image (ImageJ's hyperstack TIFF,
 * {@code channels=C} in its description, pages in channel-fastest order c + C·(z + Z·t); 1 otherwise);
 * {@code separateChannels}, whether a page's {@code channels} samples are separate channels rather than a colour
 * model (a TIFF of 2 samples without ExtraSamples, of more than 4, or of several BlackIsZero samples); and
 * {@code micronsPerPixel}, the pixel width the file's calibration gives ({@link Calibration}), NaN when it has none.
 *
 * @param width            pixels per row
 * @param height           rows
 * @param channels         channels of the page, as {@link dev.nucleon.segmentation.image.FloatImage} counts them
 * @param bits             bits per stored sample
 * @param floatSamples     whether samples are floating point
 * @param format           the format's name ({@code PNG}, {@code TIF}, …)
 * @param pages            pages in the file
 * @param stackChannels    pages that are one image's channels (ImageJ hyperstack), else 1
 * @param separateChannels whether the page's samples are separate channels, not colour
 * @param micronsPerPixel  pixel width from the file's calibration, µm; NaN when none
 */
public record ImageHeader(int width, int height, int channels, int bits, boolean floatSamples, String format,
                          int pages, int stackChannels, boolean separateChannels, double micronsPerPixel) {

    /**
     * A one-page header without calibration, its channels a colour model (gray, gray+alpha, RGB, RGBA).
     *
     * @param width        pixels per row
     * @param height       rows
     * @param channels     channels (gray = 1, gray+alpha = 2, RGB = 3, RGBA = 4)
     * @param bits         bits per stored sample
     * @param floatSamples whether samples are floating point
     * @param format       the format's name
     */
    public ImageHeader(int width, int height, int channels, int bits, boolean floatSamples, String format) {
        this(width, height, channels, bits, floatSamples, format, 1, 1, false, Double.NaN);
    }

    /**
     * Channels the user chooses among.
     *
     * @return the stack's channels, else separate samples, else 1 (colour is automatic)
     */
    public int choosableChannels() {
        return stackChannels > 1 ? stackChannels : separateChannels ? channels : 1;
    }

    /**
     * Images along the stack besides channels (z-slices × time points).
     *
     * @return {@code pages / stackChannels}, at least 1
     */
    public int stackPositions() {
        return Math.max(1, pages / Math.max(1, stackChannels));
    }

    /** {@return pixels of the page, W·H (a long: 100,000 × 100,000 does not fit an int)} */
    public long pixels() {
        return (long) width * height;
    }

    /** {@return bytes of the decoded raster, W·H·C·⌈bits/8⌉} */
    public long decodedBytes() {
        return pixels() * channels * Math.max(1, (bits + 7) / 8);
    }

    /** {@return bytes of the (C, H, W) float image, 4·W·H·C} */
    public long floatBytes() {
        return 4 * pixels() * channels;
    }

    /**
     * {@return bytes in mebibytes or gibibytes, one decimal: {@code "3.1 GiB"}}
     *
     * @param bytes a size in bytes, ≥ 0
     */
    public static String formatBytes(long bytes) {
        double mib = bytes / (1024.0 * 1024.0);
        return mib >= 1024 ? String.format(Locale.ROOT, "%.1f GiB", mib / 1024)
                : String.format(Locale.ROOT, "%.0f MiB", Math.max(1, mib));
    }

    @Override
    public String toString() {
        String stack = (stackChannels > 1 ? String.format(Locale.ROOT, ", %d channels", stackChannels) : "")
                + (stackPositions() > 1 ? String.format(Locale.ROOT, ", %d pages", stackPositions()) : "");
        return String.format(Locale.ROOT, "%s %dx%d, %d %s, %d-bit%s%s", format, width, height, channels,
                separateChannels ? "separate channels" : "channel(s)", bits, floatSamples ? " float" : "", stack);
    }
}
