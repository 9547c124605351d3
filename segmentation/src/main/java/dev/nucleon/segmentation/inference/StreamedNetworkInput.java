package dev.nucleon.segmentation.inference;

import dev.nucleon.segmentation.preprocess.Grayscale;
import dev.nucleon.segmentation.preprocess.NetworkInput;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * {@link NetworkInput}'s conversions applied to a decoded image kept in its compact form (8- or 16-bit integer
 * samples, as the decoder gave them) one band of rows at a time, for images too large to hold as floats.
 *
 * <p><b>First pass, statistics</b>: the medians and percentiles {@link NetworkInput} takes by sorting a float copy
 * of the image are taken here from histograms built in one pass over the rows: one bin per stored level
 * ({@code 2^bits} bins) for each plane, so for gray images, and for every plane of the three-channel conversion,
 * they are exactly the sorted-copy values. The one-channel conversion of a true-colour image (luma
 * {@code 0.299 R + 0.587 G + 0.114 B}, not a stored level) uses {@value #LUMA_BINS} bins over [0, 1]: its
 * percentiles are within {@code 1 / (LUMA_BINS − 1)} of the exact ones.
 *
 * <p><b>Second pass, rows</b>: {@link #rows} converts rows with the same float arithmetic as
 * {@link dev.nucleon.segmentation.io.ImageFileReader#read}, {@link Grayscale} and
 * {@link dev.nucleon.segmentation.preprocess.PercentileNormalization}, so a row equals the same row of the
 * whole-image conversion.
 *
 * <p>Integer rasters of 1 to 4 bands without a palette are accepted ({@link #accepts}).
 */
public final class StreamedNetworkInput {
    /** Histogram bins for the luma of true-colour images. */
    static final int LUMA_BINS = 1 << 16;

    private static final double LOW = NetworkInput.LOW_PERCENTILE;
    private static final double HIGH = NetworkInput.HIGH_PERCENTILE;

    private final Raster raster;
    private final int width;
    private final int height;
    private final int bands;
    private final float scale;
    private final String conversion;
    private final int outChannels;
    private final boolean invert;
    /** Per output plane: the low percentile and 1 / (high − low + 1e-20), as PercentileNormalization. */
    private final double[] low;
    private final double[] inverseRange;

    /**
     * @param image      a decoded image ({@link dev.nucleon.segmentation.io.ImageFileReader#readCompact})
     * @param conversion {@link NetworkInput#NAME} or {@link NetworkInput#RGB_NAME}
     */
    public StreamedNetworkInput(BufferedImage image, String conversion) {
        if (!streams(conversion)) {
            throw new IllegalArgumentException("StreamedNetworkInput: the input conversion " + conversion
                    + " needs the whole image at once (CLAHE, TV denoising) and cannot be streamed");
        }
        if (!accepts(image)) {
            throw new IllegalArgumentException("StreamedNetworkInput: needs an 8- or 16-bit integer image of 1 to 4 "
                    + "channels without a palette");
        }
        this.raster = image.getRaster();
        this.width = raster.getWidth();
        this.height = raster.getHeight();
        this.bands = raster.getNumBands();
        int bits = raster.getSampleModel().getSampleSize(0);
        this.scale = (float) (1.0 / ((double) (1L << bits) - 1.0)); // as ImageFileReader
        this.conversion = conversion;
        this.outChannels = NetworkInput.channels(conversion);
        int levels = 1 << bits;
        int colour = bands >= 3 ? 3 : 1;

        // first pass: one histogram per colour plane, one of the gray (luma) value when it is not a stored level
        long[][] planes = new long[colour][levels];
        boolean lumaIsLevel = colour == 1;
        long[] luma = lumaIsLevel ? null : new long[LUMA_BINS];
        int[][] row = new int[colour][width];
        for (int y = 0; y < height; y++) {
            for (int c = 0; c < colour; c++) {
                raster.getSamples(0, y, width, 1, c, row[c]);
                long[] hist = planes[c];
                for (int v : row[c]) {
                    hist[v]++;
                }
            }
            if (luma != null) {
                for (int x = 0; x < width; x++) {
                    luma[lumaBin(gray(row[0][x] * scale, row[1][x] * scale, row[2][x] * scale))]++;
                }
            }
        }
        long n = (long) width * height;
        double median = luma == null ? percentile(planes[0], levels, false, 50, n)
                : percentile(luma, LUMA_BINS, false, 50, n, 1.0 / (LUMA_BINS - 1));
        this.invert = median > 0.5;
        this.low = new double[outChannels];
        this.inverseRange = new double[outChannels];
        for (int c = 0; c < outChannels; c++) {
            double lo, hi;
            if (outChannels == 1 && luma != null) {
                double step = 1.0 / (LUMA_BINS - 1);
                lo = percentile(luma, LUMA_BINS, invert, LOW, n, step);
                hi = percentile(luma, LUMA_BINS, invert, HIGH, n, step);
            } else {
                long[] hist = planes[Math.min(c, colour - 1)];
                lo = percentile(hist, levels, invert, LOW, n);
                hi = percentile(hist, levels, invert, HIGH, n);
            }
            low[c] = lo;
            inverseRange[c] = 1.0 / (hi - lo + 1e-20);
        }
    }

    /**
     * True for the conversions computed here band by band from whole-image histograms ({@link NetworkInput#NAME},
     * {@link NetworkInput#RGB_NAME}); paper 004's CLAHE + TV conversion is not one of them.
     *
     * @param conversion a {@link NetworkInput} conversion's name
     * @return whether this class can compute it band by band
     */
    public static boolean streams(String conversion) {
        return conversion.equals(NetworkInput.NAME) || conversion.equals(NetworkInput.RGB_NAME);
    }

    /**
     * {@return true for the rasters this class converts: 8- or 16-bit integer samples, 1 to 4 bands, no palette}
     *
     * @param image a decoded image
     */
    public static boolean accepts(BufferedImage image) {
        Raster r = image.getRaster();
        int type = r.getDataBuffer().getDataType(), bits = r.getSampleModel().getSampleSize(0);
        return !(image.getColorModel() instanceof IndexColorModel) && r.getNumBands() >= 1 && r.getNumBands() <= 4
                && (type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT) && (bits == 8 || bits == 16);
    }

    /** {@return the image's width W, pixels} */
    public int width() {
        return width;
    }

    /** {@return the image's height H, pixels} */
    public int height() {
        return height;
    }

    /** {@return channels of the converted rows: 1 or 3} */
    public int channels() {
        return outChannels;
    }

    /** {@return whether the image is inverted (its gray median above 0.5)} */
    public boolean inverted() {
        return invert;
    }

    /**
     * Rows {@code y0 … y0 + n − 1} converted: (C, n, W), equal to the same rows of
     * {@code NetworkInput.prepare(ImageFileReader.read(file), conversion)} (up to the luma-histogram percentiles
     * of true-colour images for the one-channel conversion).
     *
     * @param y0 first row, 0 ≤ y0
     * @param n  rows, y0 + n ≤ H
     * @return (C, n, W) converted rows, C = {@link #channels()}, a new array
     */
    public float[] rows(int y0, int n) {
        float[] out = new float[outChannels * n * width];
        int colour = bands >= 3 ? 3 : 1;
        boolean toGray = outChannels == 1 && colour == 3; // the one-channel input of a true-colour image
        int[][] row = new int[colour][width];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < colour; c++) {
                raster.getSamples(0, y0 + r, width, 1, c, row[c]);
            }
            for (int c = 0; c < outChannels; c++) {
                int dst = (c * n + r) * width;
                double lo = low[c], inv = inverseRange[c];
                for (int x = 0; x < width; x++) {
                    float v;
                    if (toGray) {
                        v = gray(row[0][x] * scale, row[1][x] * scale, row[2][x] * scale);
                    } else {
                        v = row[Math.min(c, colour - 1)][x] * scale;
                    }
                    if (invert) {
                        v = 1f - v;
                    }
                    float s = (float) ((v - lo) * inv);
                    out[dst + x] = Math.max(0f, Math.min(1f, s));
                }
            }
        }
        return out;
    }

    /** The gray value of one pixel, as {@link Grayscale#of}. */
    static float gray(float r, float g, float b) {
        return r == g && g == b ? r : Grayscale.R * r + Grayscale.G * g + Grayscale.B * b;
    }

    private static int lumaBin(float v) {
        return (int) Math.max(0, Math.min(LUMA_BINS - 1, Math.round(v * (LUMA_BINS - 1))));
    }

    /** numpy's linear percentile of the stored levels {@code i · scale} counted in {@code hist}. */
    private double percentile(long[] hist, int levels, boolean inverted, double p, long n) {
        return percentile(hist, levels, inverted, p, n, scale);
    }

    /**
     * numpy's linear percentile of values {@code bin · step} counted in {@code hist} (after {@code v → 1 − v} when
     * {@code inverted}): the values at ranks ⌊p/100·(n−1)⌋ and the next, interpolated, as
     * {@link dev.nucleon.segmentation.preprocess.PercentileNormalization#percentile} does on the sorted values.
     */
    private static double percentile(long[] hist, int bins, boolean inverted, double p, long n, double step) {
        double rank = p / 100.0 * (n - 1);
        long lo = (long) Math.floor(rank);
        long hi = Math.min(n - 1, lo + 1);
        double f = rank - lo;
        float a = valueAt(hist, bins, inverted, lo, step), b = valueAt(hist, bins, inverted, hi, step);
        return a + (b - (double) a) * f;
    }

    /** The value of rank {@code k} (0-based) in ascending order. */
    private static float valueAt(long[] hist, int bins, boolean inverted, long k, double step) {
        long seen = 0;
        for (int i = 0; i < bins; i++) {
            int bin = inverted ? bins - 1 - i : i;
            seen += hist[bin];
            if (seen > k) {
                float v = (float) (bin * (float) step);
                return inverted ? 1f - v : v;
            }
        }
        throw new IllegalStateException("StreamedNetworkInput: rank " + k + " beyond " + seen + " values");
    }
}
