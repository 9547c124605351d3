package dev.nucleon.segmentation.io;

import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.FileImageOutputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes label maps, gray images and RGB overlays with the JDK's ImageIO. The format follows the
 * extension: {@code .png}, {@code .tif}/{@code .tiff} (LZW-compressed, read by Fiji, QuPath and
 * CellProfiler), and for 8-bit images also {@code .bmp} and {@code .jpg}/{@code .jpeg}.
 * Every write is atomic ({@link AtomicFileWriter}): a temporary file in the same folder, then a rename.
 */
public final class ImageFileWriter {
    private ImageFileWriter() {
    }

    /** Largest label a 16-bit label map holds. */
    public static final int MAX_16_BIT_LABEL = 65535;

    /**
     * Writes an instance label map as a gray PNG or TIFF: value k = label k exactly, 0 = background. 16-bit when
     * every label is at most {@value #MAX_16_BIT_LABEL}; a TIFF with more labels is written with 32-bit unsigned
     * samples (read by Fiji, QuPath, tifffile and {@link ImageFileReader#readLabels}). Rows are converted as the
     * encoder asks for them, so no second copy of the map is made. The file is written atomically.
     *
     * @param labels the label map, values ≥ 0
     * @param file   the target, .png, .tif or .tiff
     * @throws IOException when the file cannot be written
     * @throws ImageFileException when a label is negative, a PNG would need more than 16 bits (see
     *     {@link #writeLabelsFitting}), or the extension is not .png/.tif/.tiff
     */
    public static void writeLabels(LabelImage labels, Path file) throws IOException {
        String format = format(file, false);
        int max = maxLabel(labels, file);
        if (max > MAX_16_BIT_LABEL && !format.equals("tiff")) {
            throw new ImageFileException(file, max + " labels do not fit a 16-bit PNG label map (0.."
                    + MAX_16_BIT_LABEL + "); write a .tif, which takes 32-bit labels");
        }
        write(labelImage(labels, max > MAX_16_BIT_LABEL ? 32 : 16), format, file);
    }

    /**
     * Writes a label map as {@code file} when its labels fit 16 bits, else as a 32-bit TIFF beside it (the same
     * name with {@code .tif}), instead of failing: an image with more than {@value #MAX_16_BIT_LABEL} nuclei keeps
     * its labels.
     *
     * @param labels the label map, values ≥ 0
     * @param file   the target, .png, .tif or .tiff
     * @return the file written
     * @throws IOException when the file cannot be written (nothing is left at {@code file}: the write is atomic) or
     *                     its extension names no supported format
     */
    public static Path writeLabelsFitting(LabelImage labels, Path file) throws IOException {
        String format = format(file, false);
        Path target = file;
        if (!format.equals("tiff") && maxLabel(labels, file) > MAX_16_BIT_LABEL) {
            String name = file.getFileName().toString();
            target = file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".tif");
        }
        writeLabels(labels, target);
        return target;
    }

    /** The largest label; a negative one is an error naming its position. */
    private static int maxLabel(LabelImage labels, Path file) throws ImageFileException {
        int w = labels.width(), max = 0;
        int[] d = labels.data();
        for (int i = 0; i < d.length; i++) {
            if (d[i] < 0) {
                throw new ImageFileException(file, "label " + d[i] + " at (" + (i % w) + ", " + (i / w)
                        + ") is negative; label maps hold 0 (background) and positive labels");
            }
            max = Math.max(max, d[i]);
        }
        return max;
    }

    /** The label map as a one-band gray image of {@code bits} = 16 or 32 unsigned bits, converted row by row. */
    private static RenderedImage labelImage(LabelImage labels, int bits) {
        int w = labels.width(), h = labels.height();
        int type = bits == 16 ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_INT;
        ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), new int[] {bits},
                false, false, Transparency.OPAQUE, type);
        SampleModel sm = new PixelInterleavedSampleModel(type, w, 1, 1, w, new int[] {0});
        int[] d = labels.data();
        return new StripedImage(w, h, cm, sm, region -> {
            int x0 = region.getMinX(), y0 = region.getMinY(), rw = region.getWidth();
            for (int y = y0; y < y0 + region.getHeight(); y++) {
                region.setSamples(x0, y, rw, 1, 0, java.util.Arrays.copyOfRange(d, y * w + x0, y * w + x0 + rw));
            }
        });
    }

    /**
     * Writes one channel of {@code image}, values in [0, 1] (clamped), as {@code bits} = 8 or 16-bit gray:
     * stored value = round(v · (2^bits − 1)).
     *
     * @param image the image; channel 0 is written
     * @param file  the target (.png, .tif/.tiff; .bmp/.jpg for 8 bits)
     * @param bits  8 or 16 (anything else: {@link IllegalArgumentException})
     * @throws IOException when the file cannot be written (nothing is left at {@code file}: the write is atomic) or
     *                     its extension names no supported format
     */
    public static void writeGray(FloatImage image, Path file, int bits) throws IOException {
        if (bits != 8 && bits != 16) {
            throw new ImageFileException(file, "gray images are written with 8 or 16 bits, not " + bits);
        }
        if (image.channels() != 1) {
            throw new ImageFileException(file, "writeGray needs a 1-channel image, got " + image.channels()
                    + " channels");
        }
        String format = format(file, bits == 8);
        int w = image.width(), h = image.height();
        float max = bits == 8 ? 255f : 65535f;
        int[] q = new int[w * h];
        float[] d = image.data();
        for (int i = 0; i < q.length; i++) {
            q[i] = quantize(d[i], max);
        }
        BufferedImage img = new BufferedImage(w, h,
                bits == 8 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSamples(0, 0, w, h, 0, q);
        write(img, format, file);
    }

    /**
     * Writes a 3-channel image with values in [0, 1] (clamped) as 8-bit RGB. A 1-channel image is
     * written as gray RGB; alpha (4th channel) is dropped.
     *
     * @param image (3, H, W) or (1, H, W) image
     * @param file  the target (.png, .tif/.tiff, .bmp, .jpg)
     * @throws IOException when the file cannot be written (nothing is left at {@code file}: the write is atomic) or
     *                     its extension names no supported format
     */
    public static void writeRgb(FloatImage image, Path file) throws IOException {
        String format = format(file, true);
        FloatImage rgb = image.withoutAlpha();
        if (rgb.channels() != 1 && rgb.channels() != 3) {
            throw new ImageFileException(file, "writeRgb needs 1, 3 or 4 channels, got " + image.channels());
        }
        int w = rgb.width(), h = rgb.height(), n = w * h;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster r = img.getRaster();
        float[] d = rgb.data();
        int[] plane = new int[n];
        for (int b = 0; b < 3; b++) {
            int off = rgb.channels() == 1 ? 0 : b * n;
            for (int i = 0; i < n; i++) {
                plane[i] = quantize(d[off + i], 255f);
            }
            r.setSamples(0, 0, w, h, b, plane);
        }
        write(img, format, file);
    }

    /**
     * Writes a drawn 8-bit image (a chart, an overlay built with java.awt) as it is, in the format of the extension
     * (.png, .tif/.tiff, .bmp, .jpg), atomically.
     *
     * @param image the image
     * @param file  the target
     * @throws IOException when the file cannot be written (nothing is left at {@code file}: the write is atomic) or
     *                     its extension names no supported format
     */
    public static void writeImage(BufferedImage image, Path file) throws IOException {
        write(image, format(file, true), file);
    }

    /**
     * Writes an 8-bit image computed a strip at a time as the encoder asks for it (an overlay of an image too
     * large to hold as a {@code BufferedImage}), atomically.
     *
     * @param image the image, rendered a strip at a time
     * @param file  the target
     * @throws IOException when the file cannot be written (nothing is left at {@code file}: the write is atomic) or
     *                     its extension names no supported format
     */
    public static void writeImage(RenderedImage image, Path file) throws IOException {
        write(image, format(file, true), file);
    }

    private static int quantize(float v, float max) {
        if (!(v > 0f)) {
            return 0;
        }
        return v >= 1f ? (int) max : Math.round(v * max);
    }

    /** The ImageIO format name for the file's extension. */
    static String format(Path file, boolean eightBit) throws ImageFileException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) {
            return "png";
        }
        if (name.endsWith(".tif") || name.endsWith(".tiff")) {
            return "tiff";
        }
        if (eightBit && name.endsWith(".bmp")) {
            return "bmp";
        }
        if (eightBit && (name.endsWith(".jpg") || name.endsWith(".jpeg"))) {
            return "jpeg";
        }
        throw new ImageFileException(file, "unsupported extension: write .png or .tif/.tiff"
                + (eightBit ? " (or .bmp, .jpg for 8-bit images)" : ""));
    }

    private static void write(RenderedImage img, String format, Path file) throws IOException {
        AtomicFileWriter.write(file, tmp -> {
            Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName(format);
            if (!it.hasNext()) {
                throw new ImageFileException(file, "no ImageIO writer for " + format);
            }
            ImageWriter writer = it.next();
            try (ImageOutputStream out = new FileImageOutputStream(tmp.toFile())) {
                writer.setOutput(out);
                ImageWriteParam param = writer.getDefaultWriteParam();
                if (format.equals("tiff")) {
                    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                    param.setCompressionType("LZW");
                } else if (format.equals("jpeg")) {
                    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                    param.setCompressionQuality(0.95f);
                }
                writer.write(null, new IIOImage(img, null, null), param);
            } finally {
                writer.dispose();
            }
        });
    }
}
