package dev.nucleon.segmentation.roi;

import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.segmentation.io.ImageFileException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes outlines as an ImageJ ROI set: a zip of one binary {@code .roi} file per nucleus, what Fiji's ROI Manager
 * opens (File &gt; Open, or drag and drop) and saves (More &gt; Save). Entries are named {@code NNNN-<label>.roi}
 * (NNNN = 1, 2, … in label order), which the ROI Manager shows as the ROI's name.
 *
 * <p>Each {@code .roi} is ImageJ's format (version 228, big-endian): a 64-byte header — {@code "Iout"}, version
 * (int16), type (byte; 0 = polygon), top, left, bottom, right (int16), number of vertices n (uint16), the rest 0 —
 * then the n x coordinates and the n y coordinates, int16 relative to left and top. Vertices are pixel corners
 * ({@link Outline}), so ImageJ measures each ROI's area as the nucleus' pixel count. When a coordinate does not fit
 * int16 (images wider or taller than 32,767 px), the ROI also carries its absolute coordinates as float32 after the
 * int16 ones, with the SUB_PIXEL_RESOLUTION option (128), which ImageJ then reads instead.
 */
public final class ImageJRoiZip {
    static final int VERSION = 228;
    static final int HEADER = 64;
    static final int POLYGON = 0;
    static final int SUB_PIXEL_RESOLUTION = 128;

    private ImageJRoiZip() {
    }

    /**
     * Writes the outlines to {@code file} atomically.
     *
     * @param outlines the nuclei's outlines, in the order of the entries
     * @param file     the {@code .zip} file
     * @throws IOException when it cannot be written, or an outline has more vertices than a ROI holds (the message
     *     names the file)
     */
    public static void write(List<Outline> outlines, Path file) throws IOException {
        int digits = Math.max(4, Integer.toString(outlines.size()).length());
        AtomicFileWriter.write(file, tmp -> {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp));
                    ZipOutputStream zip = new ZipOutputStream(os)) {
                for (int i = 0; i < outlines.size(); i++) {
                    Outline o = outlines.get(i);
                    zip.putNextEntry(new ZipEntry(String.format(Locale.ROOT, "%0" + digits + "d-%d.roi", i + 1,
                            o.label())));
                    zip.write(encode(o, file));
                    zip.closeEntry();
                }
            }
        });
    }

    /** One outline as an ImageJ polygon {@code .roi}. */
    static byte[] encode(Outline o, Path file) throws ImageFileException {
        int n = o.size();
        if (n > 0xFFFF) {
            throw new ImageFileException(file, "nucleus " + o.label() + " has " + n
                    + " outline vertices, more than an ImageJ ROI holds (65,535)");
        }
        int[] b = o.bounds();
        int left = b[0], top = b[1], right = b[2], bottom = b[3];
        boolean large = right > Short.MAX_VALUE || bottom > Short.MAX_VALUE;
        ByteBuffer roi = ByteBuffer.allocate(HEADER + 4 * n + (large ? 8 * n : 0)); // big-endian by default
        roi.put(new byte[] {'I', 'o', 'u', 't'});
        roi.putShort(4, (short) VERSION);
        roi.put(6, (byte) POLYGON);
        roi.putShort(8, (short) top);
        roi.putShort(10, (short) left);
        roi.putShort(12, (short) bottom);
        roi.putShort(14, (short) right);
        roi.putShort(16, (short) n);
        if (large) {
            roi.putShort(50, (short) SUB_PIXEL_RESOLUTION);
        }
        for (int i = 0; i < n; i++) {
            roi.putShort(HEADER + 2 * i, (short) (o.x()[i] - left));
            roi.putShort(HEADER + 2 * n + 2 * i, (short) (o.y()[i] - top));
        }
        if (large) {
            int base = HEADER + 4 * n;
            for (int i = 0; i < n; i++) {
                roi.putFloat(base + 4 * i, o.x()[i]);
                roi.putFloat(base + 4 * n + 4 * i, o.y()[i]);
            }
        }
        return roi.array();
    }
}
