package dev.nucleon.fiji;

import dev.nucleon.segmentation.image.FloatImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImagePlanesTest {
    @Test
    void eightBitIsScaledBy255() {
        ByteProcessor ip = new ByteProcessor(3, 2, new byte[] {0, 1, (byte) 128, (byte) 255, 7, 9});
        FloatImage f = ImagePlanes.toFloatImage(ip);
        assertEquals(1, f.channels());
        assertEquals(3, f.width());
        assertEquals(2, f.height());
        assertEquals(128 / 255f, f.get(2, 0), 0);
        assertEquals(1f, f.get(0, 1), 0);
        assertEquals(9f, ImagePlanes.rawIntensity(ip).get(2, 1), 0);
    }

    @Test
    void sixteenBitIsScaledBy65535() {
        ShortProcessor ip = new ShortProcessor(2, 1, new short[] {(short) 65535, 1000}, null);
        FloatImage f = ImagePlanes.toFloatImage(ip);
        assertEquals(1f, f.get(0, 0), 0);
        assertEquals(1000 / 65535f, f.get(1, 0), 0);
        assertEquals(65535f, ImagePlanes.rawIntensity(ip).get(0, 0), 0);
    }

    @Test
    void thirtyTwoBitKeepsItsValues() {
        FloatProcessor ip = new FloatProcessor(2, 1, new float[] {-3.5f, 1234.25f});
        FloatImage f = ImagePlanes.toFloatImage(ip);
        assertEquals(-3.5f, f.get(0, 0), 0);
        assertEquals(1234.25f, f.get(1, 0), 0);
    }

    @Test
    void rgbBecomesThreeChannels() {
        ColorProcessor ip = new ColorProcessor(2, 1, new int[] {0x10ff80, 0x000102});
        FloatImage f = ImagePlanes.toFloatImage(ip);
        assertEquals(3, f.channels());
        assertEquals(0x10 / 255f, f.get(0, 0, 0), 0);
        assertEquals(1f, f.get(0, 0, 1), 0);
        assertEquals(0x80 / 255f, f.get(0, 0, 2), 0);
        assertEquals(2 / 255f, f.get(1, 0, 2), 0);
        assertEquals((0x10 + 0xff + 0x80) / 3f, ImagePlanes.rawIntensity(ip).get(0, 0), 1e-4);
    }

    @Test
    void planesOfAHyperstackByChannelSliceFrame() {
        ImageStack stack = new ImageStack(1, 1);
        for (int i = 0; i < 12; i++) {
            stack.addSlice(new FloatProcessor(1, 1, new float[] {i}));
        }
        ImagePlus image = new ImagePlus("h", stack);
        image.setDimensions(2, 3, 2); // ImageJ order: channel fastest, then slice, then frame
        assertEquals(0f, ImagePlanes.plane(image, 1, 1, 1).getf(0), 0);
        assertEquals(1f, ImagePlanes.plane(image, 2, 1, 1).getf(0), 0);
        assertEquals((3 - 1) * 2 + (2 - 1) * 6f, ImagePlanes.plane(image, 1, 3, 2).getf(0), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImagePlanes.plane(image, 3, 1, 1));
        assertTrue(e.getMessage().contains("2 channels"), e.getMessage());
    }
}
