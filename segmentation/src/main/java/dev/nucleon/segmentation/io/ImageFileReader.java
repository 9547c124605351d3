package dev.nucleon.segmentation.io;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads microscopy images and label maps through the JDK's ImageIO: PNG (1–16-bit gray, gray+alpha,
 * RGB, RGBA, palette), TIFF (8/16/32-bit integer or 32-bit float, multi-page: first page or a chosen
 * one; JDK 17 has TIFF built in), JPEG, BMP and GIF.
 *
 * <p>The header ({@link #probe}) also says what a file holds besides one page — its pages, an ImageJ hyperstack's
 * channels, TIFF samples that are separate channels rather than colour, and the pixel size its calibration gives
 * ({@link ImageHeader}, {@link Calibration}) — and {@link #read(Path, ImagePlane)} reads the plane chosen among them
 * ({@link ImagePlane#choose}). A TIFF whose pages differ in size (a thumbnail, a pyramid's levels) counts as one
 * page: its first.
 *
 * <p>Channels follow {@link FloatImage}'s convention: gray = 1, gray+alpha = 2, RGB = 3, RGBA = 4.
 * Palette images are expanded through their palette (to 1 channel when the palette is gray, else RGB,
 * plus alpha when the palette has transparency).
 *
 * <p>Every failure — missing, empty, truncated, corrupt or unsupported file, page out of range — is an
 * {@link ImageFileException} whose message starts with the file's path.
 */
public final class ImageFileReader {
    private ImageFileReader() {
    }

    /**
     * Reads page 0 scaled to [0, 1]: unsigned integer samples are divided by {@code 2^bits − 1}
     * (255 for 8-bit, 65535 for 16-bit); float samples are returned as stored.
     *
     * @param file an image file (PNG, TIFF, JPEG, BMP, GIF)
     * @return (C, H, W) image
     * @throws ImageFileException when the file cannot be read, is not an image, is corrupt or has no such page (the
     *                            message names the file)
     */
    public static FloatImage read(Path file) throws ImageFileException {
        return read(file, 0);
    }

    /**
     * Reads page {@code page} (0-based) scaled to [0, 1], see {@link #read(Path)}.
     *
     * @param file an image file (PNG, TIFF, JPEG, BMP, GIF)
     * @param page the page (stack position), 0-based
     * @return (C, H, W) image
     * @throws ImageFileException when the file cannot be read, is not an image, is corrupt or has no such page (the
     *                            message names the file)
     */
    public static FloatImage read(Path file, int page) throws ImageFileException {
        return toFloat(decode(file, page, null), file, true);
    }

    /**
     * Reads page {@code page} with the raw sample values (0..255 for 8-bit, 0..65535 for 16-bit).
     *
     * @param file an image file (PNG, TIFF, JPEG, BMP, GIF)
     * @param page the page (stack position), 0-based
     * @return (C, H, W) image of unscaled samples
     * @throws ImageFileException when the file cannot be read, is not an image, is corrupt or has no such page (the
     *                            message names the file)
     */
    public static FloatImage readRaw(Path file, int page) throws ImageFileException {
        return toFloat(decode(file, page, null), file, false);
    }

    /**
     * Reads the region [x, x+w) × [y, y+h) of page {@code page}, scaled as {@link #read(Path)}. Only the
     * region is kept in memory (for TIFF strips/tiles the decoder also reads only what it needs), so
     * huge images can be processed tile by tile.
     *
     * @param file an image file (PNG, TIFF, JPEG, BMP, GIF)
     * @param page the page (stack position), 0-based
     * @param x    left column of the region, inside the image
     * @param y    top row of the region, inside the image
     * @param w    region width, pixels, x + w ≤ the image's width
     * @param h    region height, pixels, y + h ≤ the image's height
     * @return (C, h, w) image
     * @throws ImageFileException when the file cannot be read, is not an image, is corrupt or has no such page (the
     *                            message names the file)
     */
    public static FloatImage readRegion(Path file, int page, int x, int y, int w, int h) throws ImageFileException {
        return toFloat(decode(file, page, new Rectangle(x, y, w, h)), file, true);
    }

    /**
     * Reads an instance label map (or class map): one channel of integers, 0 = background. Accepts
     * 8/16/32-bit gray PNG or TIFF and palette images (the palette index is the label).
     *
     * @param file a label map file
     * @return the labels
     * @throws ImageFileException when the file cannot be read, has more than one channel, or holds a negative or
     *                            non-integer value (the message names the file and the pixel)
     */
    public static LabelImage readLabels(Path file) throws ImageFileException {
        return readLabels(file, 0);
    }

    /**
     * Reads page {@code page} of a label map, see {@link #readLabels(Path)}.
     *
     * @param file a label map file
     * @param page the page (stack position), 0-based
     * @return the labels
     * @throws ImageFileException when the file cannot be read, has more than one channel, or holds a negative or
     *                            non-integer value (the message names the file and the pixel)
     */
    public static LabelImage readLabels(Path file, int page) throws ImageFileException {
        BufferedImage img = decode(file, page, null);
        Raster r = img.getRaster();
        int w = r.getWidth(), h = r.getHeight();
        if (r.getNumBands() != 1) {
            throw new ImageFileException(file, "a label map must have one channel (gray or palette), this image has "
                    + r.getNumBands() + " (" + describe(img) + ")");
        }
        int type = r.getDataBuffer().getDataType();
        int[] labels = new int[w * h];
        if (type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE) {
            double[] d = r.getSamples(0, 0, w, h, 0, (double[]) null);
            for (int i = 0; i < d.length; i++) {
                if (d[i] != Math.rint(d[i]) || d[i] < 0 || d[i] > Integer.MAX_VALUE) {
                    throw new ImageFileException(file, "label map has non-integer or negative value " + d[i]
                            + " at (" + (i % w) + ", " + (i / w) + ")");
                }
                labels[i] = (int) d[i];
            }
        } else {
            r.getSamples(0, 0, w, h, 0, labels);
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0) {
                    throw new ImageFileException(file, "label map has negative value " + labels[i] + " at ("
                            + (i % w) + ", " + (i / w) + ")");
                }
            }
        }
        return new LabelImage(w, h, labels);
    }

    /**
     * {@return number of pages (images) in the file: 1 for PNG/JPEG/BMP, n for a multi-page TIFF}
     *
     * @param file an image file (PNG, TIFF, JPEG, BMP, GIF)
     * @throws ImageFileException when the file cannot be read or is not an image
     */
    public static int pageCount(Path file) throws ImageFileException {
        return withHeader(file, reader -> reader.getNumImages(true));
    }

    /**
     * {@return width and height of page {@code page} without decoding its pixels: {@code {width, height}}}
     *
     * @param file an image file (PNG, TIFF, JPEG, BMP, GIF)
     * @param page the page (stack position), 0-based
     * @throws ImageFileException when the file cannot be read, is not an image, is corrupt or has no such page (the
     *                            message names the file)
     */
    public static int[] dimensions(Path file, int page) throws ImageFileException {
        ImageHeader header = probe(file, page);
        return new int[] {header.width(), header.height()};
    }

    /** What {@link #withHeader} does with the reader once its input is set (the pixels are not decoded). */
    private interface HeaderTask<T> {
        T apply(ImageReader reader) throws IOException;
    }

    /**
     * Opens {@code file}, finds its reader, sets its input (header only) and runs {@code task}; every failure but
     * an {@link ImageFileException} becomes one naming the file.
     */
    private static <T> T withHeader(Path file, HeaderTask<T> task) throws ImageFileException {
        check(file);
        try (ImageInputStream in = open(file)) {
            ImageReader reader = readerFor(file, in);
            try {
                // TIFF tags beyond the essential ones (description, resolution, ExtraSamples) are metadata
                boolean tiff = reader.getFormatName().toUpperCase(Locale.ROOT).startsWith("TIF");
                reader.setInput(in, false, !tiff);
                return task.apply(reader);
            } finally {
                reader.dispose();
            }
        } catch (ImageFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageFileException(file, "corrupt or truncated image", e);
        }
    }

    /**
     * {@return the header of page 0, see {@link #probe(Path, int)}}
     *
     * @param file an image file (PNG, TIFF, JPEG, BMP, GIF)
     * @throws ImageFileException when the file cannot be read or is not an image
     */
    public static ImageHeader probe(Path file) throws ImageFileException {
        return probe(file, 0);
    }

    /**
     * Size, channels and bits of page {@code page} from the file's header, without decoding the pixels
     * (ImageIO's {@code ImageReader.getWidth}/{@code getHeight}/{@code getRawImageType}, for every format read,
     * TIFF included), so a caller can refuse an image too large for the heap before allocating anything.
     *
     * @param file an image file (PNG, TIFF, JPEG, BMP, GIF)
     * @param page the page (stack position), 0-based
     * @return the page's header
     * @throws ImageFileException when the file cannot be read, is not an image, is corrupt or has no such page (the
     *                            message names the file)
     */
    public static ImageHeader probe(Path file, int page) throws ImageFileException {
        return withHeader(file, reader -> {
            checkPage(file, reader, page);
            String format = reader.getFormatName().toUpperCase(Locale.ROOT);
            int w = reader.getWidth(page), h = reader.getHeight(page);
            ImageTypeSpecifier type = reader.getRawImageType(page);
            if (type == null) {
                Iterator<ImageTypeSpecifier> types = reader.getImageTypes(page);
                type = types.hasNext() ? types.next() : null;
            }
            if (type == null) {
                throw new ImageFileException(file, "the " + format + " header does not describe its pixels");
            }
            SampleModel sm = type.getSampleModel();
            ColorModel cm = type.getColorModel();
            int bits = sm.getSampleSize(0), channels = sm.getNumBands();
            int dataType = sm.getDataType();
            if (cm instanceof IndexColorModel icm) {
                channels = paletteChannels(icm);
                bits = 8;
            }
            int pages = reader.getNumImages(true), stackChannels = 1;
            boolean separate = false;
            double microns = Double.NaN;
            if (format.startsWith("TIF")) {
                TIFFDirectory first = TIFFDirectory.createFromMetadata(reader.getImageMetadata(0));
                TIFFDirectory ifd = page == 0 ? first : TIFFDirectory.createFromMetadata(reader.getImageMetadata(page));
                TIFFField description = first.getTIFFField(BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION);
                ImageJDescription imageJ = ImageJDescription.parse(description == null ? null
                        : description.getAsString(0));
                if (imageJ != null && imageJ.channels() > 1 && pages % imageJ.channels() == 0) {
                    stackChannels = imageJ.channels();
                }
                for (int i = 1; i < pages && stackChannels == 1; i++) {
                    if (reader.getWidth(i) != reader.getWidth(0) || reader.getHeight(i) != reader.getHeight(0)) {
                        pages = 1; // pages of other sizes: a thumbnail or a pyramid's levels, not a stack
                    }
                }
                separate = separateSamples(ifd);
                TIFFField xResolution = first.getTIFFField(BaselineTIFFTagSet.TAG_X_RESOLUTION);
                TIFFField unit = first.getTIFFField(BaselineTIFFTagSet.TAG_RESOLUTION_UNIT);
                microns = Calibration.micronsPerPixel(xResolution == null ? Double.NaN : xResolution.getAsDouble(0),
                        unit == null ? BaselineTIFFTagSet.RESOLUTION_UNIT_INCH : unit.getAsInt(0), imageJ);
            }
            return new ImageHeader(w, h, channels, bits,
                    dataType == DataBuffer.TYPE_FLOAT || dataType == DataBuffer.TYPE_DOUBLE, format, pages,
                    stackChannels, separate, microns);
        });
    }

    /**
     * Whether a TIFF page's samples are separate channels rather than a colour model: more than one sample, and not
     * RGB/YCbCr/CIELab/CMYK of 3–5 samples, nor a palette, nor BlackIsZero/WhiteIsZero gray with an ExtraSamples
     * alpha (ImageIO would read 2 samples without ExtraSamples as gray+alpha: a 2-channel TIFF's second channel
     * would be dropped as transparency).
     */
    private static boolean separateSamples(TIFFDirectory ifd) {
        TIFFField samplesField = ifd.getTIFFField(BaselineTIFFTagSet.TAG_SAMPLES_PER_PIXEL);
        TIFFField photometricField = ifd.getTIFFField(BaselineTIFFTagSet.TAG_PHOTOMETRIC_INTERPRETATION);
        int samples = samplesField == null ? 1 : samplesField.getAsInt(0);
        int photometric = photometricField == null ? BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_BLACK_IS_ZERO
                : photometricField.getAsInt(0);
        boolean alpha = ifd.getTIFFField(BaselineTIFFTagSet.TAG_EXTRA_SAMPLES) != null;
        if (samples <= 1) {
            return false;
        }
        return switch (photometric) {
            case BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_RGB,
                    BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_Y_CB_CR,
                    BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_CIELAB,
                    BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_CMYK -> samples > 5;
            case BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_PALETTE_COLOR -> false;
            default -> !(samples == 2 && alpha);
        };
    }

    /**
     * Reads {@code plane} scaled to [0, 1] as {@link #read(Path)}: its page, and when it names a sample, that sample
     * alone as a one-channel image (a palette image's expanded channel of that index).
     *
     * @param file  the image file
     * @param plane the page and sample ({@link ImagePlane#choose})
     * @return (C, H, W) image, C = 1 when the plane names a sample
     * @throws ImageFileException naming the file when it cannot be read
     */
    public static FloatImage read(Path file, ImagePlane plane) throws ImageFileException {
        BufferedImage img = decode(file, plane.page(), null);
        if (plane.sample() < 0) {
            return toFloat(img, file, true);
        }
        if (img.getColorModel() instanceof IndexColorModel) {
            FloatImage expanded = toFloat(img, file, true);
            if (plane.sample() >= expanded.channels()) {
                throw new ImageFileException(file, "channel " + plane.sample() + " requested, the image has "
                        + expanded.channels());
            }
            return expanded.channel(plane.sample());
        }
        return toFloat(sampleOf(img, plane.sample(), file), file, true);
    }

    /**
     * Decodes {@code plane} compactly as {@link #readCompact(Path, int)}; a named sample alone, sharing the raster.
     *
     * @param file  the image file
     * @param plane the page and sample ({@link ImagePlane#choose})
     * @return the decoded page, or its one sample as a gray image over the same data
     * @throws ImageFileException naming the file when it cannot be read
     */
    public static BufferedImage readCompact(Path file, ImagePlane plane) throws ImageFileException {
        BufferedImage img = decode(file, plane.page(), null);
        return plane.sample() < 0 ? img : sampleOf(img, plane.sample(), file);
    }

    /** One band of a decoded image as a gray image over the same data (no copy). */
    private static BufferedImage sampleOf(BufferedImage img, int band, Path file) throws ImageFileException {
        java.awt.image.WritableRaster r = img.getRaster();
        if (band < 0 || band >= r.getNumBands() || img.getColorModel() instanceof IndexColorModel) {
            throw new ImageFileException(file, "channel " + band + " requested, the image has " + r.getNumBands()
                    + " sample(s) per pixel");
        }
        java.awt.image.WritableRaster one = r.createWritableChild(0, 0, r.getWidth(), r.getHeight(), 0, 0,
                new int[] {band});
        ColorModel gray = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY),
                new int[] {r.getSampleModel().getSampleSize(band)}, false, false, java.awt.Transparency.OPAQUE,
                r.getDataBuffer().getDataType());
        return new BufferedImage(gray, one, false, null);
    }

    /**
     * Decodes page {@code page} to the decoder's own raster, without converting to floats: the most compact
     * in-memory form (8-bit samples stay bytes), for images too large for {@link #read}. All failures name the file.
     *
     * @param file an image file (PNG, TIFF, JPEG, BMP, GIF)
     * @param page the page (stack position), 0-based
     * @return the decoded image
     * @throws ImageFileException when the file cannot be read, is not an image, is corrupt or has no such page (the
     *                            message names the file)
     */
    public static BufferedImage readCompact(Path file, int page) throws ImageFileException {
        return decode(file, page, null);
    }

    // ---------------------------------------------------------------------------------------------

    private static void check(Path file) throws ImageFileException {
        if (!Files.exists(file)) {
            throw new ImageFileException(file, "no such file");
        }
        if (Files.isDirectory(file)) {
            throw new ImageFileException(file, "is a folder, not an image file");
        }
        try {
            if (Files.size(file) == 0) {
                throw new ImageFileException(file, "empty file (0 bytes)");
            }
        } catch (ImageFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot be read", e);
        }
    }

    private static ImageInputStream open(Path file) throws IOException {
        ImageInputStream in = ImageIO.createImageInputStream(file.toFile());
        if (in == null) {
            throw new ImageFileException(file, "cannot be opened");
        }
        return in;
    }

    private static ImageReader readerFor(Path file, ImageInputStream in) throws ImageFileException {
        Iterator<ImageReader> it = ImageIO.getImageReaders(in);
        if (!it.hasNext()) {
            throw new ImageFileException(file, "unsupported or unrecognised image format "
                    + "(PNG, TIFF, JPEG, BMP and GIF are read)");
        }
        return it.next();
    }

    private static void checkPage(Path file, ImageReader reader, int page) throws IOException {
        if (page < 0) {
            throw new ImageFileException(file, "page " + page + " requested, pages are numbered from 0");
        }
        if (page > 0) {
            int n = reader.getNumImages(true);
            if (page >= n) {
                throw new ImageFileException(file, "page " + page + " requested, the file has " + n
                        + (n == 1 ? " page" : " pages"));
            }
        }
    }

    /** Decodes one page (or a region of it) to a BufferedImage; all failures name the file. */
    static BufferedImage decode(Path file, int page, Rectangle region) throws ImageFileException {
        check(file);
        try (ImageInputStream in = open(file)) {
            ImageReader reader = readerFor(file, in);
            String format = reader.getFormatName().toUpperCase(Locale.ROOT);
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener(new IIOReadWarningListener() {
                @Override
                public void warningOccurred(ImageReader source, String warning) {
                    warnings.add(warning);
                }
            });
            try {
                reader.setInput(in, false, false);
                checkPage(file, reader, page);
                ImageReadParam param = reader.getDefaultReadParam();
                checkDeclaredSize(file, format, reader, page, region);
                if (region != null) {
                    int w = reader.getWidth(page), h = reader.getHeight(page);
                    if (region.x < 0 || region.y < 0 || region.width <= 0 || region.height <= 0
                            || region.x + region.width > w || region.y + region.height > h) {
                        throw new ImageFileException(file, "region " + region.x + "," + region.y + " "
                                + region.width + "x" + region.height + " is not inside the " + w + "x" + h
                                + " image");
                    }
                    param.setSourceRegion(region);
                }
                BufferedImage img = reader.read(page, param);
                for (String warn : warnings) {
                    String lw = warn.toLowerCase(Locale.ROOT);
                    if (lw.contains("premature") || lw.contains("truncat") || lw.contains("corrupt")) {
                        throw new ImageFileException(file, "truncated or corrupt " + format + " file: " + warn);
                    }
                }
                if (img == null) {
                    throw new ImageFileException(file, "the " + format + " decoder returned no image");
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (ImageFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageFileException(file, "corrupt, truncated or unsupported image", e);
        }
    }

    /** Deflate (PNG's only compression) expands at most 1032:1 (258 bytes from 2 bits); a little slack on top. */
    private static final double MAX_DEFLATE_RATIO = 1100;

    /**
     * Refuses, from the header alone, an image that cannot be decoded: more pixels than one Java array holds,
     * more memory than the heap's maximum (pixels as decoded plus the float planes {@link #toFloat} makes), or
     * a file too short to hold the pixels it declares, uncompressed or at deflate's best ratio (a lying or
     * truncated header would otherwise have its pixels allocated before the data runs out).
     */
    /**
     * The most an RLE4/RLE8 BMP is taken to expand: a 2-byte run codes at most 255 pixels (×127.5 for RLE8, ×255
     * for RLE4 by bytes decoded). Its delta and end-of-bitmap escapes can leave any number of pixels unset in a
     * few bytes; a file relying on them for more than this is refused as corrupt from its header, rather than
     * decoded for seconds (a 1,152-byte fuzzed file declaring 16,777,224 × 15 pixels took 5.3 s).
     */
    static final double MAX_BMP_RLE_RATIO = 256;

    private static void checkDeclaredSize(Path file, String format, ImageReader reader, int page, Rectangle region)
            throws IOException {
        int w = reader.getWidth(page), h = reader.getHeight(page);
        long pixels = region != null ? (long) Math.min(region.width, w) * Math.min(region.height, h) : (long) w * h;
        int bitsPerPixel = 32, channels = 4;
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(page);
        if (types != null && types.hasNext()) {
            ImageTypeSpecifier type = types.next();
            SampleModel sm = type.getSampleModel(1, 1);
            channels = type.getColorModel() instanceof IndexColorModel ? 4 : sm.getNumBands(); // palette → up to RGBA
            bitsPerPixel = 0;
            for (int bits : sm.getSampleSize()) {
                bitsPerPixel += bits;
            }
        }
        String size = w + "x" + h + (region != null ? " (region " + region.width + "x" + region.height + ")" : "");
        if (pixels > Integer.MAX_VALUE - 8) {
            throw new ImageFileException(file, "the " + format + " image is " + size + " = " + pixels
                    + " pixels, more than one array can hold (2^31); read it by regions");
        }
        double need = pixels * (bitsPerPixel / 8.0 + 4.0 * (channels + 1));
        long max = Runtime.getRuntime().maxMemory();
        if (need > max) {
            throw new ImageFileException(file, String.format(Locale.ROOT, "the %s image is %s pixels: decoding it needs"
                    + " about %,d MB, more than the Java heap's maximum of %,d MB (raise -Xmx or read it by regions)",
                    format, size, (long) (need / (1 << 20)), max >> 20));
        }
        double leastData = (double) w * h * bitsPerPixel / 8 / mostExpansion(file, format, reader, page);
        long fileSize = Files.size(file);
        if (leastData > fileSize) {
            throw new ImageFileException(file, String.format(Locale.ROOT, "truncated or corrupt %s: its header"
                    + " declares %dx%d pixels of %d bits, at least %,d bytes of pixel data, but the file has %,d bytes",
                    format, w, h, bitsPerPixel, (long) leastData, fileSize));
        }
    }

    /**
     * How many times its size a file's pixel data can at most expand to: deflate's bound for PNG, 1 for
     * uncompressed TIFF and BMP, {@value #MAX_BMP_RLE_RATIO} for RLE-compressed BMP, unbounded otherwise (JPEG,
     * other TIFF compressions).
     */
    private static double mostExpansion(Path file, String format, ImageReader reader, int page) throws IOException {
        if (format.equals("PNG")) {
            return MAX_DEFLATE_RATIO;
        }
        if (format.startsWith("TIF")) {
            TIFFDirectory ifd = TIFFDirectory.createFromMetadata(reader.getImageMetadata(page));
            TIFFField compression = ifd.getTIFFField(BaselineTIFFTagSet.TAG_COMPRESSION);
            TIFFField photometric = ifd.getTIFFField(BaselineTIFFTagSet.TAG_PHOTOMETRIC_INTERPRETATION);
            boolean subsampled = photometric != null // YCbCr may be stored subsampled, fewer bits than decoded
                    && photometric.getAsInt(0) == BaselineTIFFTagSet.PHOTOMETRIC_INTERPRETATION_Y_CB_CR;
            return !subsampled && (compression == null
                    || compression.getAsInt(0) == BaselineTIFFTagSet.COMPRESSION_NONE) ? 1 : Double.POSITIVE_INFINITY;
        }
        if (format.equals("BMP")) { // BITMAPINFOHEADER or later: compression at byte 30, 0 = BI_RGB, 3 = BI_BITFIELDS
            ByteBuffer header = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
            try (FileChannel ch = FileChannel.open(file)) {
                ch.read(header, 0);
            }
            if (header.position() == 34 && header.getInt(14) >= 40) {
                int compression = header.getInt(30);
                return compression == 0 || compression == 3 ? 1
                        : compression == 1 || compression == 2 ? MAX_BMP_RLE_RATIO : Double.POSITIVE_INFINITY;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static String describe(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        int bands = img.getRaster().getNumBands();
        String kind = cm instanceof IndexColorModel ? "palette"
                : bands == 1 ? "gray" : bands == 2 ? "gray+alpha" : bands == 3 ? "RGB" : bands == 4 ? "RGBA"
                : bands + " bands";
        return kind + ", " + img.getRaster().getSampleModel().getSampleSize(0) + "-bit";
    }

    /** Channels a palette image decodes to: 1 (all entries gray) or 3, plus 1 when any entry is not opaque. */
    private static int paletteChannels(IndexColorModel icm) {
        int[] argb = new int[icm.getMapSize()];
        icm.getRGBs(argb);
        boolean gray = true, alpha = false;
        for (int v : argb) {
            int rr = (v >> 16) & 255, gg = (v >> 8) & 255, bb = v & 255;
            gray &= rr == gg && gg == bb;
            alpha |= ((v >>> 24) & 255) != 255;
        }
        return (gray ? 1 : 3) + (alpha ? 1 : 0);
    }

    /** Raster samples to a (C, H, W) float image. */
    static FloatImage toFloat(BufferedImage img, Path file, boolean scale) throws ImageFileException {
        Raster r = img.getRaster();
        int w = r.getWidth(), h = r.getHeight(), n = w * h;
        ColorModel cm = img.getColorModel();
        if (cm instanceof IndexColorModel icm) {
            int size = icm.getMapSize();
            int[] argb = new int[size];
            icm.getRGBs(argb);
            int channels = paletteChannels(icm);
            boolean alpha = channels == 2 || channels == 4;
            int colour = alpha ? channels - 1 : channels;
            boolean gray = colour == 1;
            int[] idx = r.getSamples(0, 0, w, h, 0, (int[]) null);
            float[] out = new float[channels * n];
            float s = scale ? 1f / 255f : 1f;
            for (int i = 0; i < n; i++) {
                int v = argb[Math.min(idx[i], size - 1)];
                if (gray) {
                    out[i] = (v & 255) * s;
                } else {
                    out[i] = ((v >> 16) & 255) * s;
                    out[n + i] = ((v >> 8) & 255) * s;
                    out[2 * n + i] = (v & 255) * s;
                }
                if (alpha) {
                    out[colour * n + i] = ((v >>> 24) & 255) * s;
                }
            }
            return new FloatImage(w, h, channels, out);
        }
        int bands = r.getNumBands();
        if (bands < 1 || bands > 4) {
            throw new ImageFileException(file, "unsupported image with " + bands + " channels (1 to 4 are read)");
        }
        int type = r.getDataBuffer().getDataType();
        boolean unsigned = type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT
                || type == DataBuffer.TYPE_INT;
        float[] out = new float[bands * n];
        float[] plane = new float[n];
        for (int b = 0; b < bands; b++) {
            r.getSamples(0, 0, w, h, b, plane);
            float s = 1f;
            if (scale && unsigned) {
                int bits = r.getSampleModel().getSampleSize(b);
                s = (float) (1.0 / ((bits >= 32 ? 4294967296.0 : (double) (1L << bits)) - 1.0));
            }
            if (s == 1f) {
                System.arraycopy(plane, 0, out, b * n, n);
            } else {
                for (int i = 0; i < n; i++) {
                    out[b * n + i] = plane[i] * s;
                }
            }
        }
        return new FloatImage(w, h, bands, out);
    }
}
