package dev.nucleon.segmentation.image;

import dev.nucleon.segmentation.io.ImageFileReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Integer samples are scaled by multiplying with 1/(2^b − 1), as the file reader does: within 1 ulp of v/(2^b − 1). */
class FloatImageFromBufferedImageTest {
    @Test
    void eightBitGrayIsScaledBy255() {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(1, 0, 0, 51);
        img.getRaster().setSample(2, 1, 0, 255);
        FloatImage f = FloatImage.from(img);
        assertEquals(1, f.channels());
        assertEquals(3, f.width());
        assertEquals(2, f.height());
        assertEquals(0f, f.get(0, 0), 0);
        assertEquals(51 / 255f, f.get(1, 0), 1e-6f);
        assertEquals(1f, f.get(2, 1), 0);
    }

    @Test
    void sixteenBitGrayIsScaledBy65535() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(0, 0, 0, 65535);
        img.getRaster().setSample(1, 0, 0, 1234);
        FloatImage f = FloatImage.from(img);
        assertEquals(1, f.channels());
        assertEquals(1f, f.get(0, 0), 0);
        assertEquals(1234 / 65535f, f.get(1, 0), 1e-7f);
    }

    @Test
    void rgbAndArgbGiveChannelsInRgbaOrder() {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR}) {
            BufferedImage img = new BufferedImage(2, 1, type);
            img.setRGB(0, 0, 0x102030);
            img.setRGB(1, 0, 0xff0080);
            FloatImage f = FloatImage.from(img);
            assertEquals(3, f.channels(), "type " + type);
            assertEquals(0x10 / 255f, f.get(0, 0, 0), 1e-6f);
            assertEquals(0x20 / 255f, f.get(0, 0, 1), 1e-6f);
            assertEquals(0x30 / 255f, f.get(0, 0, 2), 1e-6f);
            assertEquals(1f, f.get(1, 0, 0), 0);
            assertEquals(0x80 / 255f, f.get(1, 0, 2), 1e-6f);
        }
        for (int type : new int[] {BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_4BYTE_ABGR}) {
            BufferedImage img = new BufferedImage(1, 1, type);
            img.setRGB(0, 0, 0x40102030);
            FloatImage f = FloatImage.from(img);
            assertEquals(4, f.channels(), "type " + type);
            assertTrue(f.hasAlpha());
            assertEquals(0x10 / 255f, f.get(0, 0, 0), 1e-6f);
            assertEquals(0x30 / 255f, f.get(0, 0, 2), 1e-6f);
            assertEquals(0x40 / 255f, f.get(0, 0, 3), 1e-6f);
        }
    }

    @Test
    void aPaletteImageBecomesRgb() {
        byte[] r = {0, (byte) 200}, g = {0, 100}, b = {0, 50};
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(1, 2, r, g, b));
        img.getRaster().setSample(1, 0, 0, 1);
        FloatImage f = FloatImage.from(img);
        assertEquals(3, f.channels());
        assertEquals(200 / 255f, f.get(1, 0, 0), 1e-6f);
        assertEquals(50 / 255f, f.get(1, 0, 2), 1e-6f);
        assertEquals(0f, f.get(0, 0, 1), 0);
    }

    @Test
    void agreesWithTheFileReaderOnPngs(@TempDir Path dir) throws Exception {
        java.util.Random random = new java.util.Random(1);
        int[] types = {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_USHORT_GRAY, BufferedImage.TYPE_INT_RGB,
            BufferedImage.TYPE_INT_ARGB};
        for (int type : types) {
            BufferedImage img = new BufferedImage(17, 9, type);
            for (int y = 0; y < 9; y++) {
                for (int x = 0; x < 17; x++) {
                    for (int band = 0; band < img.getRaster().getNumBands(); band++) {
                        int bits = img.getRaster().getSampleModel().getSampleSize(band);
                        img.getRaster().setSample(x, y, band, random.nextInt(1 << bits));
                    }
                }
            }
            Path png = dir.resolve("t" + type + ".png");
            assertTrue(ImageIO.write(img, "png", png.toFile()));
            FloatImage fromFile = ImageFileReader.read(png), fromImage = FloatImage.from(img);
            assertEquals(fromFile.channels(), fromImage.channels(), "type " + type);
            assertArrayEquals(fromFile.data(), fromImage.data(), 0f, "type " + type);
        }
    }
}
