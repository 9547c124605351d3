package dev.nucleon.segmentation.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.io.ImageFileReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    private static final String[] NAMES = {NetworkInput.NAME, NetworkInput.RGB_NAME};

    private static FloatImage times(FloatImage image, float k, float offset) {
        float[] d = image.withoutAlpha().data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] * k + offset;
        }
        return new FloatImage(image.width(), image.height(), image.withoutAlpha().channels(), d);
    }

    /** The conversions as they were before float images were range-scaled: integer images must not change. */
    private static FloatImage previousConversion(FloatImage image, String name) {
        FloatImage x = image.withoutAlpha();
        if (name.equals(NetworkInput.NAME)) {
            x = Grayscale.of(x);
        } else if (x.channels() == 1) {
            x = FloatImage.stack(x, x, x);
        }
        float[] sorted = Grayscale.of(x).data().clone();
        Arrays.sort(sorted);
        if (PercentileNormalization.percentile(sorted, 50) > 0.5) {
            float[] d = x.data().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] = 1f - d[i];
            }
            x = new FloatImage(x.width(), x.height(), x.channels(), d);
        }
        return new PercentileNormalization(1.0, 99.8, true, true).apply(x);
    }

    @Test
    void integerImagesGiveExactlyThePreviousInput() throws IOException {
        for (String id : new String[] {TestData.GRAY_ID, TestData.GRAY_ID_2, TestData.COLOUR_ID}) {
            FloatImage image = ImageFileReader.read(TestData.image(id));
            for (String name : NAMES) {
                assertArrayEquals(previousConversion(image, name).data(), NetworkInput.prepare(image, name).data(),
                        id + " " + name);
            }
        }
    }

    /** Case 6 of issue 15: a float32 TIFF of 0–1000 was inverted (its median, ~40, is above 0.5). */
    @Test
    void floatImagesOfAnyRangeAreScaledByTheirFiniteRangeBeforeTheInversionRule() throws IOException {
        for (String id : new String[] {TestData.GRAY_ID, TestData.COLOUR_ID}) {
            FloatImage image = ImageFileReader.read(TestData.image(id)).withoutAlpha();
            FloatImage wide = times(image, 1000f, 0f), shifted = times(image, 4000f, -2000f);
            assertEquals(NetworkInput.brightBackground(Grayscale.of(image)),
                    NetworkInput.brightBackground(Grayscale.of(IntensityScaling.toUnitRange(wide))), id);
            for (String name : NAMES) {
                float[] expected = NetworkInput.prepare(image, name).data();
                for (FloatImage f : new FloatImage[] {wide, shifted}) {
                    float[] got = NetworkInput.prepare(f, name).data();
                    assertEquals(expected.length, got.length);
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(expected[i], got[i], 1e-4f, id + " " + name + " sample " + i);
                    }
                }
            }
        }
        FloatImage inRange = new FloatImage(2, 1, 1, new float[] {0.25f, 0.75f});
        assertTrue(IntensityScaling.toUnitRange(inRange) == inRange, "an image already in [0, 1] is left as it is");
        assertArrayEquals(new float[] {0f, 1f, 0.5f, Float.NaN},
                IntensityScaling.toUnitRange(new FloatImage(4, 1, 1, new float[] {-10f, 990f, 490f, Float.NaN})).data());
    }

    /** Case 6 of issue 15: one NaN sample spread through the network and blanked an 80×90 region. */
    @Test
    void nanAndInfinitySamplesAreBackgroundAndWarnedOncePerImage() throws IOException {
        for (String id : new String[] {TestData.GRAY_ID, TestData.COLOUR_ID}) { // dark and bright background
            FloatImage clean = ImageFileReader.read(TestData.image(id)).withoutAlpha();
            for (float scale : new float[] {1f, 1000f}) {
                FloatImage image = times(clean, scale, 0f);
                float[] d = image.data();
                int n = image.planeSize(), w = image.width();
                int[] bad = {100 * w + 120, 101 * w + 120, 140 * w + 30};
                d[bad[0]] = Float.NaN;
                d[bad[1]] = Float.POSITIVE_INFINITY;
                d[(image.channels() - 1) * n + bad[2]] = Float.NEGATIVE_INFINITY; // last plane only
                for (String name : NAMES) {
                    List<String> warnings = new ArrayList<>();
                    FloatImage in = NetworkInput.prepare(image, name, warnings::add);
                    assertEquals(1, warnings.size(), id + " " + name + ": " + warnings);
                    assertTrue(warnings.get(0).startsWith("3 of " + d.length + " samples"), warnings.get(0));
                    FloatImage reference = NetworkInput.prepare(clean, name);
                    int changed = 0;
                    for (int i = 0; i < in.data().length; i++) {
                        assertFalse(Float.isNaN(in.data()[i]), id + " " + name + ": NaN at " + i);
                        if (Math.abs(in.data()[i] - reference.data()[i]) > 0.02f) {
                            changed++;
                        }
                    }
                    assertTrue(changed <= 3 * in.channels(), id + " " + name + ": " + changed + " samples changed");
                    // the gray input at each such pixel, and each colour plane whose sample was not finite: background
                    int last = in.channels() - 1;
                    int[] at = {bad[0], bad[1], last * n + bad[2]};
                    for (int i : at) {
                        assertEquals(0f, in.data()[i], 0.02f, id + " " + name + " sample " + i);
                    }
                }
            }
        }
        FloatImage allNan = new FloatImage(2, 2, 1, new float[] {Float.NaN, Float.NaN, Float.NaN, Float.NaN});
        List<String> warnings = new ArrayList<>();
        assertArrayEquals(new float[4], NetworkInput.prepare(allNan, NetworkInput.NAME, warnings::add).data());
        assertEquals(1, warnings.size());
    }

    @Test
    void warningsGoToTheSharedSinkWhenNoneIsGiven() {
        List<String> seen = new ArrayList<>();
        java.util.function.Consumer<String> previous = NetworkInput.warnings(seen::add);
        try {
            NetworkInput.prepare(new FloatImage(2, 1, 1, new float[] {0.5f, Float.NaN}), NetworkInput.RGB_NAME);
            NetworkInput.prepare(new FloatImage(2, 1, 1, new float[] {0.5f, 0.25f}), NetworkInput.NAME);
        } finally {
            NetworkInput.warnings(previous);
        }
        assertEquals(1, seen.size(), seen.toString());
    }
}
