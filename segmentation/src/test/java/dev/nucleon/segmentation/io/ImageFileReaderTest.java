package dev.nucleon.segmentation.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFileReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsRealRgbaPngScaledToUnitRange() throws IOException {
        FloatImage img = ImageFileReader.read(TestData.image(TestData.GRAY_ID));
        assertEquals(256, img.width());
        assertEquals(256, img.height());
        assertEquals(4, img.channels());
        assertTrue(img.min() >= 0f && img.max() <= 1f);
        assertTrue(img.isGrayscale(0f));
        FloatImage alpha = img.channel(3);
        assertEquals(1f, alpha.min());
        FloatImage raw = ImageFileReader.readRaw(TestData.image(TestData.GRAY_ID), 0);
        assertEquals(img.max() * 255f, raw.max(), 1e-3);
    }

    @Test
    void readsRealSixteenBitLabels() throws IOException {
        LabelImage labels = ImageFileReader.readLabels(TestData.labels(TestData.GRAY_ID));
        assertEquals(17, labels.maxLabel());
        assertEquals(17, labels.countLabels());
    }

    @Test
    void readsGray8Gray16RgbPaletteBmpAndJpeg() throws IOException {
        BufferedImage g8 = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        g8.getRaster().setSamples(0, 0, 3, 2, 0, new int[] {0, 51, 102, 153, 204, 255});
        Path p8 = dir.resolve("g8.png");
        ImageIO.write(g8, "png", p8.toFile());
        FloatImage f8 = ImageFileReader.read(p8);
        assertEquals(1, f8.channels());
        assertArrayEquals(new float[] {0f, .2f, .4f, .6f, .8f, 1f}, f8.data(), 1e-6f);

        BufferedImage g16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {65535, 300});
        Path p16 = dir.resolve("g16.tif");
        ImageIO.write(g16, "tiff", p16.toFile());
        FloatImage f16 = ImageFileReader.readRaw(p16, 0);
        assertArrayEquals(new float[] {65535f, 300f}, f16.data());
        assertEquals(1f, ImageFileReader.read(p16).get(0, 0));

        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xFF0000);
        rgb.setRGB(1, 0, 0x0000FF);
        Path prgb = dir.resolve("rgb.bmp");
        ImageIO.write(rgb, "bmp", prgb.toFile());
        FloatImage frgb = ImageFileReader.read(prgb);
        assertEquals(3, frgb.channels());
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1}, frgb.data());

        byte[] r = {0, (byte) 255}, g = {0, (byte) 128}, b = {0, 0};
        BufferedImage pal = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(1, 2, r, g, b));
        pal.getRaster().setSample(1, 0, 0, 1);
        Path ppal = dir.resolve("pal.png");
        ImageIO.write(pal, "png", ppal.toFile());
        FloatImage fpal = ImageFileReader.read(ppal);
        assertEquals(3, fpal.channels());
        assertEquals(1f, fpal.get(1, 0, 0));
        assertEquals(128f / 255f, fpal.get(1, 0, 1), 1e-6f);
        assertEquals(1, ImageFileReader.readLabels(ppal).get(1, 0), "palette index is the label");

        BufferedImage big = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                big.setRGB(x, y, 0x808080);
            }
        }
        Path pj = dir.resolve("img.jpg");
        ImageIO.write(big, "jpeg", pj.toFile());
        FloatImage fj = ImageFileReader.read(pj);
        assertEquals(3, fj.channels());
        assertEquals(128f / 255f, fj.get(5, 5, 1), 3f / 255f);
    }

    @Test
    void readsChosenPageOfMultiPageTiff() throws IOException {
        Path p = dir.resolve("stack.tif");
        ImageWriter w = ImageIO.getImageWritersByFormatName("tiff").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(p.toFile())) {
            w.setOutput(out);
            w.prepareWriteSequence(null);
            for (int page = 0; page < 3; page++) {
                BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_USHORT_GRAY);
                int[] v = new int[12];
                Arrays.fill(v, 1000 * (page + 1));
                img.getRaster().setSamples(0, 0, 4, 3, 0, v);
                w.writeToSequence(new IIOImage(img, null, null), null);
            }
            w.endWriteSequence();
        } finally {
            w.dispose();
        }
        assertEquals(3, ImageFileReader.pageCount(p));
        assertEquals(1000f, ImageFileReader.readRaw(p, 0).get(2, 2));
        assertEquals(3000f, ImageFileReader.readRaw(p, 2).get(2, 2));
        assertEquals(2000, ImageFileReader.readLabels(p, 1).get(0, 0));
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFileReader.read(p, 5));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("3 pages"), e.getMessage());
    }

    /** Issue 15, case 3: the size of an image is known from its header, before any pixel is decoded. */
    @Test
    void probeReadsTheHeaderOnly() throws IOException {
        BufferedImage rgb = new BufferedImage(30000, 2, BufferedImage.TYPE_3BYTE_BGR);
        Path png = dir.resolve("wide.png");
        ImageIO.write(rgb, "png", png.toFile());
        ImageHeader h = ImageFileReader.probe(png);
        assertEquals(30000, h.width());
        assertEquals(2, h.height());
        assertEquals(3, h.channels());
        assertEquals(8, h.bits());
        assertEquals(3L * 30000 * 2, h.decodedBytes());
        BufferedImage g16 = new BufferedImage(5, 7, BufferedImage.TYPE_USHORT_GRAY);
        Path tif = dir.resolve("g16.tif");
        ImageIO.write(g16, "tiff", tif.toFile());
        ImageHeader t = ImageFileReader.probe(tif);
        assertEquals(List.of(5, 7, 1, 16), List.of(t.width(), t.height(), t.channels(), t.bits()));
        assertEquals("TIF", t.format().substring(0, 3));

        // a PNG whose header claims 40000 x 40000 8-bit gray, with a few bytes of pixel data (as the 1.5 MB PNG of
        // the issue): the probe answers from the header alone, where decoding would need 1.6 GB and more
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        file.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(40000).putInt(40000);
        ihdr.put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(file, "IHDR", ihdr.array());
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(new byte[40001 * 4]);
        deflater.finish();
        byte[] z = new byte[1000];
        chunk(file, "IDAT", Arrays.copyOf(z, deflater.deflate(z)));
        chunk(file, "IEND", new byte[0]);
        Path huge = dir.resolve("huge.png");
        Files.write(huge, file.toByteArray());
        ImageHeader big = ImageFileReader.probe(huge);
        assertEquals(40000L * 40000, big.pixels());
        assertEquals(1, big.channels());
        assertEquals(4L * 40000 * 40000, big.floatBytes());
        assertEquals("6.0 GiB", ImageHeader.formatBytes(big.floatBytes()));
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void readsRegionOnly() throws IOException {
        FloatImage full = ImageFileReader.read(TestData.image(TestData.COLOUR_ID));
        FloatImage part = ImageFileReader.readRegion(TestData.image(TestData.COLOUR_ID), 0, 10, 20, 30, 40);
        assertEquals(30, part.width());
        assertEquals(40, part.height());
        assertEquals(full.get(15, 25, 1), part.get(5, 5, 1));
        assertArrayEquals(new int[] {320, 256}, ImageFileReader.dimensions(TestData.image(TestData.COLOUR_ID), 0));
        assertThrows(ImageFileException.class,
                () -> ImageFileReader.readRegion(TestData.image(TestData.COLOUR_ID), 0, 300, 0, 30, 10));
    }

    @Test
    void brokenFilesGiveErrorsNamingTheFile() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.png"));
        assertNamed(empty, "empty");
        Path missing = dir.resolve("missing.png");
        assertNamed(missing, "no such file");
        Path text = Files.writeString(dir.resolve("notes.png"), "this is not an image at all");
        assertNamed(text, "unsupported");
        byte[] png = Files.readAllBytes(TestData.image(TestData.GRAY_ID));
        Path truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
        assertNamed(truncated, "");
        byte[] corrupt = png.clone();
        for (int i = 200; i < corrupt.length; i += 7) {
            corrupt[i] ^= 0x5A;
        }
        Path bad = Files.write(dir.resolve("corrupt.png"), corrupt);
        assertNamed(bad, "");
        assertNamed(dir, "folder");

        BufferedImage big = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
        Path jpg = dir.resolve("whole.jpg");
        ImageIO.write(big, "jpeg", jpg.toFile());
        byte[] jb = Files.readAllBytes(jpg);
        Path tj = Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(jb, jb.length * 2 / 3));
        assertNamed(tj, "");
    }

    @Test
    void colourLabelMapIsRejectedWithReason() {
        ImageFileException e = assertThrows(ImageFileException.class,
                () -> ImageFileReader.readLabels(TestData.image(TestData.GRAY_ID)));
        assertTrue(e.getMessage().contains("one channel"), e.getMessage());
        assertTrue(e.getMessage().contains("RGBA"), e.getMessage());
    }

    private static void assertNamed(Path p, String fragment) {
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFileReader.read(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertEquals(p, e.file());
    }
    /** An RLE8 BMP: 14-byte file header, 40-byte info header, a gray palette of 256 entries, then {@code rle}. */
    private Path rle8Bmp(String name, int width, int height, byte[] rle) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(14 + 40 + 1024 + rle.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(b.capacity()).putInt(0).putInt(14 + 40 + 1024);
        b.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 8).putInt(1)
                .putInt(rle.length).putInt(2835).putInt(2835).putInt(256).putInt(0);
        for (int i = 0; i < 256; i++) {
            b.put((byte) i).put((byte) i).put((byte) i).put((byte) 0);
        }
        b.put(rle);
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    @Test
    void anRleBmpWhoseHeaderDeclaresFarMorePixelsThanItsRunsCanCodeIsRefusedFromTheHeader() throws IOException {
        // two rows of 4 pixels: a run of 4 × value 200, end of line, a run of 4 × value 50, end of bitmap
        Path ok = rle8Bmp("ok.bmp", 4, 2, new byte[] {4, (byte) 200, 0, 0, 4, 50, 0, 1});
        FloatImage img = ImageFileReader.read(ok);
        assertEquals(4, img.width());
        assertEquals(50f / 255f, img.data()[0], 1e-6f, "bottom-up: the first coded row is the last image row");
        assertEquals(200f / 255f, img.data()[4], 1e-6f);
        // 100,000 × 100 pixels declared by 8 bytes of runs: more than 256× the file's size
        Path lying = rle8Bmp("lying.bmp", 100_000, 100, new byte[] {4, (byte) 200, 0, 0, 0, 1, 0, 0});
        long t0 = System.nanoTime();
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFileReader.read(lying));
        assertTrue((System.nanoTime() - t0) / 1e9 < 2, "refused from the header, not decoded");
        assertTrue(e.getMessage().contains("corrupt BMP") && e.getMessage().contains("lying.bmp"), e.getMessage());
    }
}
