package dev.nucleon.segmentation.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.io.ImageFileReader;

import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NetworkInputTest {
    @Test
    void rgbInputOfAGrayImageIsTheGrayInputOnThreePlanes() throws IOException {
        FloatImage gray = ImageFileReader.read(TestData.image(TestData.GRAY_ID)); // RGBA, R = G = B
        FloatImage one = NetworkInput.prepare(gray), three = NetworkInput.prepareRgb(gray);
        assertEquals(3, three.channels());
        int n = one.planeSize();
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(one.data(), Arrays.copyOfRange(three.data(), c * n, (c + 1) * n), "plane " + c);
        }
        FloatImage single = NetworkInput.prepareRgb(one.channel(0));
        assertEquals(3, single.channels());
    }

    @Test
    void rgbInputKeepsHueInvertsBrightBackgroundsAndStaysInRange() throws IOException {
        FloatImage colour = ImageFileReader.read(TestData.image(TestData.COLOUR_ID)); // H&E-like, bright
        FloatImage in = NetworkInput.prepareRgb(colour);
        assertEquals(3, in.channels());
        assertTrue(in.min() >= 0 && in.max() <= 1);
        // each plane is its own inverted source plane scaled to its 1st-99.8th percentiles
        PercentileNormalization perPlane = new PercentileNormalization(1.0, 99.8, true, true);
        for (int c = 0; c < 3; c++) {
            FloatImage plane = colour.channel(c);
            float[] inv = plane.data().clone();
            for (int i = 0; i < inv.length; i++) {
                inv[i] = 1f - inv[i];
            }
            float[] expected = perPlane.apply(new FloatImage(plane.width(), plane.height(), 1, inv)).data();
            assertArrayEquals(expected, in.channel(c).data(), "plane " + c);
        }
        int n = in.planeSize(), differing = 0;
        float[] d = in.data();
        for (int i = 0; i < n; i++) {
            if (d[i] != d[n + i] || d[n + i] != d[2 * n + i]) {
                differing++;
            }
        }
        assertTrue(differing > n / 2, "colour kept in " + differing + " of " + n + " pixels");
        assertEquals(3, NetworkInput.channels(NetworkInput.RGB_NAME));
        assertEquals(1, NetworkInput.channels(NetworkInput.NAME));
        assertThrows(IllegalArgumentException.class, () -> NetworkInput.channels("hsv"));
        assertArrayEquals(in.data(), NetworkInput.prepare(colour, NetworkInput.RGB_NAME).data());
    }
}
