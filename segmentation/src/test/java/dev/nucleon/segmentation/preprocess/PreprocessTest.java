package dev.nucleon.segmentation.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileReader;

import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PreprocessTest {
    @Test
    void grayscaleUsesBt601AndIgnoresAlpha() {
        FloatImage rgba = new FloatImage(2, 1, 4, new float[] {1, 0.5f, 0, 0.5f, 0, 0.5f, 0.3f, 1});
        FloatImage g = Grayscale.of(rgba);
        assertEquals(1, g.channels());
        assertEquals(0.299f, g.get(0, 0), 1e-6f);
        assertEquals(0.5f, g.get(1, 0), 0f, "R = G = B gives R exactly");
        FloatImage gray = new FloatImage(1, 1, 1, new float[] {0.7f});
        assertEquals(0.7f, Grayscale.of(gray).get(0, 0));
    }

    @Test
    void scalingToUnitRange() {
        FloatImage img = new FloatImage(3, 1, 1, new float[] {10, 20, 30});
        assertArrayEquals(new float[] {0, 0.5f, 1}, IntensityScaling.minMax(img).data(), 1e-6f);
        assertArrayEquals(new float[] {0, 0, 0}, IntensityScaling.minMax(new FloatImage(3, 1, 1, new float[] {4, 4, 4})).data());
        assertArrayEquals(new float[] {10 / 25f, 20 / 25f, 1}, IntensityScaling.divide(img, 25).data(), 1e-6f);
    }

    @Test
    void percentileNormalizationLikeCsbDeep() {
        float[] d = new float[101];
        for (int i = 0; i <= 100; i++) {
            d[i] = i;
        }
        FloatImage img = new FloatImage(101, 1, 1, d);
        // numpy: percentile(0..100, 1) = 1, percentile(0..100, 99.8) = 99.8
        FloatImage n = new PercentileNormalization().apply(img);
        assertEquals(0f, n.get(1, 0), 1e-6f);
        assertEquals((50 - 1) / 98.8f, n.get(50, 0), 1e-6f);
        assertEquals(-1 / 98.8f, n.get(0, 0), 1e-6f, "no clipping by default");
        FloatImage clipped = new PercentileNormalization(1, 99.8, true, true).apply(img);
        assertEquals(0f, clipped.get(0, 0));
        assertEquals(1f, clipped.get(100, 0));
        assertEquals(2.5, PercentileNormalization.percentile(new float[] {1, 2, 3, 4}, 50), 1e-12);
        FloatImage two = new FloatImage(2, 1, 2, new float[] {0, 1, 10, 30});
        FloatImage perChannel = new PercentileNormalization(0, 100, false, true).apply(two);
        assertArrayEquals(new float[] {0, 1, 0, 1}, perChannel.data(), 1e-6f);
        FloatImage joint = new PercentileNormalization(0, 100, false, false).apply(two);
        assertArrayEquals(new float[] {0, 1 / 30f, 1 / 3f, 1}, joint.data(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> new PercentileNormalization(50, 10, false, true));
    }

    @Test
    void resizeWithHalfPixelCentres() {
        FloatImage img = new FloatImage(2, 1, 1, new float[] {0, 1});
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, Resize.bilinear(img, 4, 1).data(), 1e-6f);
        FloatImage down = Resize.bilinear(new FloatImage(4, 1, 1, new float[] {0, 1, 2, 3}), 2, 1);
        assertArrayEquals(new float[] {0.5f, 2.5f}, down.data(), 1e-6f);
        assertEquals(LabelImage.parse("1122", "1122"), Resize.nearest(LabelImage.parse("12"), 4, 2));
        assertEquals(LabelImage.parse("24"), Resize.nearest(LabelImage.parse("1234"), 2, 1),
                "half-pixel centres: output 0 samples input x = 1.0");
    }

    @Test
    void claheByHandAndOnARealImage() throws IOException {
        // one tile, no clipping: plain histogram equalisation. Values 0,0,1,1 → LUT(0) = 2/4, LUT(255) = 4/4
        FloatImage img = new FloatImage(2, 2, 1, new float[] {0, 0, 1, 1});
        assertArrayEquals(new float[] {0.5f, 0.5f, 1f, 1f}, new Clahe(1, 1, 0, 256).apply(img).data(), 1e-6f);
        FloatImage flat = new FloatImage(16, 16, 1, new float[256]);
        java.util.Arrays.fill(flat.data(), 0.3f);
        FloatImage f = new Clahe().apply(flat);
        assertEquals(f.min(), f.max(), 1e-6f, "a constant image stays constant");

        FloatImage gray = Grayscale.of(ImageFileReader.read(TestData.image(TestData.GRAY_ID)));
        FloatImage eq = new Clahe().apply(gray);
        assertTrue(eq.min() >= 0f && eq.max() <= 1f);
        assertTrue(std(eq) > std(gray), "dim fluorescence gets more contrast");
        // non-divisible size exercises the reflect-101 padding
        FloatImage odd = gray.crop(0, 0, 250, 203);
        assertEquals(250, new Clahe(8, 8, 2.0, 256).apply(odd).width());
        assertEquals(2, Clahe.reflect101(-2, 5));
        assertEquals(3, Clahe.reflect101(5, 5));
    }

    @Test
    void totalVariationByHandAndOnNoise() {
        // iteration 0: px(0) = −τ·1/(1 + τ·1) = −0.2; iteration 1: u = f + d = [0.2, 0.8]
        FloatImage step = new FloatImage(2, 1, 1, new float[] {0, 1});
        assertArrayEquals(new float[] {0.2f, 0.8f},
                new TotalVariationDenoising(1f, 0, 2).apply(step).data(), 1e-6f);
        FloatImage flat = new FloatImage(8, 8, 1, new float[64]);
        java.util.Arrays.fill(flat.data(), 0.4f);
        assertArrayEquals(flat.data(), new TotalVariationDenoising().apply(flat).data(), 1e-6f);

        int n = 64;
        float[] clean = new float[n * n], noisy = new float[n * n];
        Random rnd = new Random(5);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                clean[y * n + x] = Math.hypot(x - 32, y - 32) < 15 ? 0.8f : 0.2f;
                noisy[y * n + x] = clean[y * n + x] + (float) rnd.nextGaussian() * 0.1f;
            }
        }
        FloatImage den = new TotalVariationDenoising().apply(new FloatImage(n, n, 1, noisy));
        assertTrue(rmse(den.data(), clean) < 0.6 * rmse(noisy, clean), "denoising removes most of the noise");
        assertTrue(Math.abs(den.get(32, 32) - 0.8f) < 0.1 && Math.abs(den.get(5, 5) - 0.2f) < 0.1, "edges kept");
    }

    @Test
    void threeClassTargets() {
        LabelImage labels = LabelImage.parse(
                ".......",
                ".11122.",
                ".11122.",
                ".11122.",
                ".......");
        assertEquals(LabelImage.parse(
                ".......",
                ".22222.",
                ".21222.",
                ".22222.",
                "......."), ThreeClassTarget.of(labels, 1));
        LabelImage big = new LabelImage(9, 9, new int[81]);
        for (int y = 1; y < 8; y++) {
            for (int x = 1; x < 8; x++) {
                big.set(x, y, 5);
            }
        }
        LabelImage t2 = ThreeClassTarget.of(big, 2);
        assertEquals(ThreeClassTarget.BORDER, t2.get(2, 2));
        assertEquals(ThreeClassTarget.NUCLEUS, t2.get(3, 3));
        assertEquals(ThreeClassTarget.BACKGROUND, t2.get(0, 0));
    }

    private static double std(FloatImage img) {
        double m = 0, s = 0;
        for (float v : img.data()) {
            m += v;
        }
        m /= img.data().length;
        for (float v : img.data()) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / img.data().length);
    }

    private static double rmse(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s / a.length);
    }
}
