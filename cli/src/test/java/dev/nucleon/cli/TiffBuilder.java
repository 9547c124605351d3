package dev.nucleon.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A copy of segmentation's test TiffBuilder (test classes are not shared between modules).
 * A minimal baseline TIFF writer for tests, written from the TIFF 6.0 specification and independent of ImageIO:
 * little-endian, uncompressed, one strip per page, chunky samples of 8 or 16 bits. It writes what ImageJ and other
 * microscopy programs write and ImageIO's writer cannot be told to: several pages of one image with an ImageJ
 * {@code ImageDescription} ({@code channels=2}), samples that are not colour (two channels, no ExtraSamples), and
 * resolution tags.
 */
final class TiffBuilder {
    private final int width;
    private final int height;
    private final int samples;
    private final int bits;
    private final List<int[]> pages = new ArrayList<>();
    private String description;
    private double[] resolution;
    private int resolutionUnit = 1;
    private int photometric = 1;
    private int extraSamples = -1;

    /** Pages of {@code width × height} pixels, {@code samples} samples per pixel of {@code bits} (8 or 16) bits. */
    public TiffBuilder(int width, int height, int samples, int bits) {
        this.width = width;
        this.height = height;
        this.samples = samples;
        this.bits = bits;
    }

    /** Adds a page: (H, W, S) samples, row-major, chunky. */
    public TiffBuilder page(int[] samplesHws) {
        if (samplesHws.length != width * height * samples) {
            throw new IllegalArgumentException("page of " + samplesHws.length + " samples, expected "
                    + width * height * samples);
        }
        pages.add(samplesHws);
        return this;
    }

    /** The first page's ImageDescription (e.g. ImageJ's {@code "ImageJ=1.54f\nchannels=2\n"}). */
    public TiffBuilder description(String text) {
        this.description = text;
        return this;
    }

    /** XResolution = YResolution = pixels per unit; unit 1 none, 2 inch, 3 cm. */
    public TiffBuilder resolution(double pixelsPerUnit, int unit) {
        this.resolution = new double[] {pixelsPerUnit};
        this.resolutionUnit = unit;
        return this;
    }

    /** PhotometricInterpretation: 1 BlackIsZero (default), 2 RGB. */
    public TiffBuilder photometric(int value) {
        this.photometric = value;
        return this;
    }

    /** ExtraSamples value for the last sample (2 = unassociated alpha); none by default. */
    public TiffBuilder extraSamples(int value) {
        this.extraSamples = value;
        return this;
    }

    public Path write(Path file) throws IOException {
        int bytesPerSample = bits / 8;
        int stripBytes = width * height * samples * bytesPerSample;
        ByteBuffer b = ByteBuffer.allocate(65536 + (stripBytes + 4096) * pages.size())
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42);
        int nextIfdPointer = b.position();
        b.putInt(0);
        for (int p = 0; p < pages.size(); p++) {
            // pixel data first, then the IFD and its out-of-line values
            int stripOffset = align(b);
            for (int v : pages.get(p)) {
                if (bits == 8) {
                    b.put((byte) v);
                } else {
                    b.putShort((short) v);
                }
            }
            Map<Integer, Object[]> tags = new TreeMap<>(); // tag -> {type, count, values (int[] or byte[] or long[][])}
            tags.put(256, new Object[] {4, new int[] {width}});
            tags.put(257, new Object[] {4, new int[] {height}});
            int[] bps = new int[samples];
            java.util.Arrays.fill(bps, bits);
            tags.put(258, new Object[] {3, bps});
            tags.put(259, new Object[] {3, new int[] {1}});
            tags.put(262, new Object[] {3, new int[] {photometric}});
            if (p == 0 && description != null) {
                tags.put(270, new Object[] {2, (description + "\0").getBytes(StandardCharsets.ISO_8859_1)});
            }
            tags.put(273, new Object[] {4, new int[] {stripOffset}});
            tags.put(277, new Object[] {3, new int[] {samples}});
            tags.put(278, new Object[] {4, new int[] {height}});
            tags.put(279, new Object[] {4, new int[] {stripBytes}});
            if (resolution != null) {
                long[] rational = rational(resolution[0]);
                tags.put(282, new Object[] {5, rational});
                tags.put(283, new Object[] {5, rational});
                tags.put(296, new Object[] {3, new int[] {resolutionUnit}});
            }
            if (extraSamples >= 0) {
                tags.put(338, new Object[] {3, new int[] {extraSamples}});
            }
            int ifd = align(b);
            b.putInt(nextIfdPointer, ifd);
            b.putShort((short) tags.size());
            int entries = b.position();
            b.position(entries + 12 * tags.size());
            nextIfdPointer = b.position();
            b.putInt(0);
            int e = entries;
            for (Map.Entry<Integer, Object[]> t : tags.entrySet()) {
                int type = (Integer) t.getValue()[0];
                Object values = t.getValue()[1];
                byte[] raw = encode(type, values);
                int count = type == 2 ? raw.length : type == 5 ? raw.length / 8 : type == 3 ? raw.length / 2
                        : raw.length / 4;
                b.putShort(e, (short) (int) t.getKey());
                b.putShort(e + 2, (short) type);
                b.putInt(e + 4, count);
                if (raw.length <= 4) {
                    for (int i = 0; i < raw.length; i++) {
                        b.put(e + 8 + i, raw[i]);
                    }
                } else {
                    int at = align(b);
                    b.put(raw);
                    b.putInt(e + 8, at);
                }
                e += 12;
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, java.util.Arrays.copyOf(b.array(), b.position()));
        return file;
    }

    private static int align(ByteBuffer b) {
        if (b.position() % 2 != 0) {
            b.put((byte) 0);
        }
        return b.position();
    }

    private static long[] rational(double v) {
        long den = Math.max(1, Math.min(1_000_000, (long) (Integer.MAX_VALUE / Math.max(1, v)))); // num fits
        return new long[] {Math.round(v * den), den};
    }

    private static byte[] encode(int type, Object values) {
        if (type == 2) {
            return (byte[]) values;
        }
        ByteBuffer b;
        if (type == 5) {
            long[] r = (long[]) values;
            b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt((int) r[0]).putInt((int) r[1]);
        } else {
            int[] v = (int[]) values;
            b = ByteBuffer.allocate(v.length * (type == 3 ? 2 : 4)).order(ByteOrder.LITTLE_ENDIAN);
            for (int x : v) {
                if (type == 3) {
                    b.putShort((short) x);
                } else {
                    b.putInt(x);
                }
            }
        }
        return b.array();
    }
}
