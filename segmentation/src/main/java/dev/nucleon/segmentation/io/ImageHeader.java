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
 */
public record ImageHeader(int width, int height, int channels, int bits, boolean floatSamples, String format) {

    /** Pixels of the page, W·H (a long: 100,000 × 100,000 does not fit an int). */
    public long pixels() {
        return (long) width * height;
    }

    /** Bytes of the decoded raster, W·H·C·⌈bits/8⌉. */
    public long decodedBytes() {
        return pixels() * channels * Math.max(1, (bits + 7) / 8);
    }

    /** Bytes of the (C, H, W) float image, 4·W·H·C. */
    public long floatBytes() {
        return 4 * pixels() * channels;
    }

    /** Bytes in mebibytes or gibibytes, one decimal: {@code "3.1 GiB"}. */
    public static String formatBytes(long bytes) {
        double mib = bytes / (1024.0 * 1024.0);
        return mib >= 1024 ? String.format(Locale.ROOT, "%.1f GiB", mib / 1024)
                : String.format(Locale.ROOT, "%.0f MiB", Math.max(1, mib));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %dx%d, %d channel(s), %d-bit%s", format, width, height, channels, bits,
                floatSamples ? " float" : "");
    }
}
