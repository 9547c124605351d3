package dev.nucleon.segmentation.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFileWriterTest {
    @TempDir
    Path dir;

    private static LabelImage bigLabels() {
        int[] d = new int[40 * 30];
        for (int i = 0; i < d.length; i++) {
            d[i] = (i * 7919) % 65536;
        }
        d[0] = 65535;
        d[1] = 256;
        d[2] = 0;
        return new LabelImage(40, 30, d);
    }

    @Test
    void labelsRoundTripSixteenBitExactInPngAndTiff() throws IOException {
        LabelImage labels = bigLabels();
        for (String name : new String[] {"labels.png", "labels.tif", "labels.tiff"}) {
            Path p = dir.resolve(name);
            ImageFileWriter.writeLabels(labels, p);
            assertEquals(labels, ImageFileReader.readLabels(p), name);
            BufferedImage raw = ImageIO.read(p.toFile());
            assertEquals(BufferedImage.TYPE_USHORT_GRAY, raw.getType(), name + " is 16-bit gray");
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(3, s.count(), "no temporary files left behind");
        }
    }

    @Test
    void realLabelsRoundTrip() throws IOException {
        LabelImage labels = ImageFileReader.readLabels(TestData.labels(TestData.GRAY_ID));
        Path p = dir.resolve("copy.tif");
        ImageFileWriter.writeLabels(labels, p);
        assertEquals(labels, ImageFileReader.readLabels(p));
    }

    /**
     * Issue 15, case 14: an image with more than 65,535 nuclei used to fail ("does not fit a 16-bit label map")
     * and lose its labels; it is now written as a 32-bit TIFF that reads back identically.
     */
    @Test
    void moreThan65535NucleiWriteA32BitTiffThatReadsBackIdentically() throws IOException {
        int w = 400, h = 300; // 120,000 one-pixel nuclei, the largest label well above 65,535
        int[] d = new int[w * h];
        for (int i = 0; i < d.length; i++) {
            d[i] = (i % 5 == 4) ? 0 : 1 + (int) ((i * 2654435761L) % 2_000_000_000L);
        }
        d[7] = 2_147_483_647;
        LabelImage labels = new LabelImage(w, h, d);
        assertTrue(java.util.Arrays.stream(d).filter(v -> v > 0).distinct().count() > 65535);
        Path tif = dir.resolve("many.tif");
        ImageFileWriter.writeLabels(labels, tif);
        assertEquals(labels, ImageFileReader.readLabels(tif));
        assertEquals(32, ImageFileReader.probe(tif).bits());

        Path png = dir.resolve("many_labels.png");
        Path written = ImageFileWriter.writeLabelsFitting(labels, png);
        assertEquals(dir.resolve("many_labels.tif"), written, "a PNG cannot hold them: a TIFF beside it");
        assertTrue(Files.notExists(png));
        assertEquals(labels, ImageFileReader.readLabels(written));
        // labels that fit stay a 16-bit PNG
        Path small = dir.resolve("few_labels.png");
        assertEquals(small, ImageFileWriter.writeLabelsFitting(bigLabels(), small));
        assertEquals(16, ImageFileReader.probe(small).bits());
        assertEquals(bigLabels(), ImageFileReader.readLabels(small));
    }

    @Test
    void labelsOutOfRangeOrBadExtensionAreRefusedAndOldFileKept() throws IOException {
        Path p = dir.resolve("labels.png");
        ImageFileWriter.writeLabels(LabelImage.parse("12", "34"), p);
        LabelImage tooBig = LabelImage.parse("12", "34");
        tooBig.set(1, 1, 70000);
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFileWriter.writeLabels(tooBig, p));
        assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains("70000"), e.getMessage());
        assertEquals(LabelImage.parse("12", "34"), ImageFileReader.readLabels(p), "old file untouched");
        Path jpg = dir.resolve("labels.jpg");
        assertThrows(ImageFileException.class, () -> ImageFileWriter.writeLabels(tooBig, jpg));
    }

    @Test
    void grayAndRgbWrites() throws IOException {
        FloatImage g = new FloatImage(3, 1, 1, new float[] {0f, 0.5f, 2f});
        Path p8 = dir.resolve("g.png");
        ImageFileWriter.writeGray(g, p8, 8);
        assertArrayEquals(new float[] {0f, 128f, 255f}, ImageFileReader.readRaw(p8, 0).data());
        Path p16 = dir.resolve("g.tif");
        ImageFileWriter.writeGray(g, p16, 16);
        assertArrayEquals(new float[] {0f, 32768f, 65535f}, ImageFileReader.readRaw(p16, 0).data());

        FloatImage rgb = new FloatImage(2, 1, 3, new float[] {1, 0, 0, 1, 0, 0.5f});
        Path pr = dir.resolve("rgb.png");
        ImageFileWriter.writeRgb(rgb, pr);
        FloatImage back = ImageFileReader.readRaw(pr, 0);
        assertEquals(3, back.channels());
        assertArrayEquals(new float[] {255, 0, 0, 255, 0, 128}, back.data());
    }

    @Test
    void overlayOutlinesEachNucleusInItsColour() throws IOException {
        FloatImage gray = new FloatImage(5, 5, 1, new float[25]);
        LabelImage labels = LabelImage.parse(
                ".....",
                ".111.",
                ".111.",
                ".111.",
                "....2");
        FloatImage o = Overlay.outlines(gray, labels);
        assertEquals(3, o.channels());
        float[] c1 = Overlay.colour(1);
        assertEquals(c1[0], o.get(1, 1, 0));
        assertEquals(0f, o.get(2, 2, 0) + o.get(2, 2, 1) + o.get(2, 2, 2), "interior keeps the image");
        assertEquals(Overlay.colour(2)[1], o.get(4, 4, 1));
        Path p = dir.resolve("overlay.png");
        Overlay.write(ImageFileReader.read(TestData.image(TestData.GRAY_ID)),
                ImageFileReader.readLabels(TestData.labels(TestData.GRAY_ID)), p);
        assertEquals(3, ImageFileReader.read(p).channels());
    }
}
