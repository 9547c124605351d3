package dev.nucleon.segmentation.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileReader;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    private static AugmentationSample small() {
        // 3 x 2 image whose value encodes its position, target likewise
        return new AugmentationSample(new FloatImage(3, 2, 1, new float[] {0, 1, 2, 3, 4, 5}),
                LabelImage.parse("123", "456"));
    }

    @Test
    void flipsAndRotationsByHand() {
        AugmentationSample h = new HorizontalFlip().apply(small(), new Random(0));
        assertArrayEquals(new float[] {2, 1, 0, 5, 4, 3}, h.image().data());
        assertEquals(LabelImage.parse("321", "654"), h.target());
        AugmentationSample v = new VerticalFlip().apply(small(), new Random(0));
        assertEquals(LabelImage.parse("456", "123"), v.target());
        // counter-clockwise quarter turn of [[1 2 3] [4 5 6]] is [[3 6] [2 5] [1 4]] (numpy rot90)
        AugmentationSample r1 = RandomRotate90.rotate(small(), 1);
        assertEquals(LabelImage.parse("36", "25", "14"), r1.target());
        assertArrayEquals(new float[] {2, 5, 1, 4, 0, 3}, r1.image().data());
        assertEquals(LabelImage.parse("654", "321"), RandomRotate90.rotate(small(), 2).target());
        assertEquals(LabelImage.parse("41", "52", "63"), RandomRotate90.rotate(small(), 3).target());
    }

    @Test
    void identityWarpsAreIdentity() throws IOException {
        AugmentationSample s = real();
        AugmentationSample w = ShiftScaleRotate.warp(s, 0, 1, 0, 0);
        assertArrayEquals(s.image().data(), w.image().data(), 1e-6f);
        assertEquals(s.target(), w.target());
        AugmentationSample o = OpticalDistortion.distort(s, 0, 0, 0);
        assertArrayEquals(s.image().data(), o.image().data(), 1e-4f);
        assertEquals(s.target(), o.target());
        AugmentationSample e = new ElasticTransform(0, 5).apply(s, new Random(1));
        assertEquals(s.target(), e.target());
        AugmentationSample g = new GridDistortion(5, 0).apply(s, new Random(1));
        assertEquals(s.target(), g.target());
    }

    @Test
    void halfTurnAboutTheCentreMatchesAFlip() {
        // 4x4: rotating 180° about (2, 2) maps x → 4 − x, so output x samples input 4 − x (reflected at 4)
        LabelImage t = LabelImage.parse("1234", "5678", "9abc", "defg");
        AugmentationSample s = new AugmentationSample(t.toFloat(), t);
        AugmentationSample r = ShiftScaleRotate.warp(s, 180, 1, 0, 0);
        assertEquals(t.get(3, 3), r.target().get(1, 1));
        assertEquals(t.get(1, 1), r.target().get(3, 3));
    }

    @Test
    void everyTransformKeepsLabelsExactAndIsSeeded() throws IOException {
        AugmentationSample s = real();
        Set<Integer> labels = new HashSet<>();
        for (int v : s.target().data()) {
            labels.add(v);
        }
        List<Augmentation> all = List.of(new HorizontalFlip(), new VerticalFlip(), new RandomRotate90(),
                new ShiftScaleRotate(), new ElasticTransform(120, 6), new GridDistortion(), new OpticalDistortion(0.5, 0.05),
                new RandomBrightness(0.2), new RandomContrast(0.2), new RandomGamma(80, 120), new GaussianBlur(),
                new MedianBlur(), new AverageBlur(), new HueSaturationValue());
        for (Augmentation a : all) {
            AugmentationSample o1 = a.apply(s, new Random(3)), o2 = a.apply(s, new Random(3));
            assertArrayEquals(o1.image().data(), o2.image().data(), a.getClass().getSimpleName() + " seeded");
            assertEquals(o1.target(), o2.target());
            for (int v : o1.target().data()) {
                assertTrue(labels.contains(v), a.getClass().getSimpleName() + " invented label " + v);
            }
            assertTrue(o1.image().min() >= -1e-5f && o1.image().max() <= 1 + 1e-5f, a.getClass().getSimpleName());
            assertEquals(o1.image().width(), o1.target().width());
        }
        AugmentationPipeline p = AugmentationPipeline.paper003();
        assertArrayEquals(p.apply(s, 42L).image().data(), p.apply(s, 42L).image().data());
        assertNotEquals(p.apply(s, 42L).target(), p.apply(s, 43L).target());
        AugmentationSample none = new AugmentationPipeline().add(new HorizontalFlip(), 0).apply(s, 1L);
        assertEquals(s.target(), none.target());
        AugmentationPipeline.paper004().apply(s, 7L);
    }

    @Test
    void intensityTransformsByHand() {
        FloatImage red = new FloatImage(1, 1, 3, new float[] {1, 0, 0});
        assertArrayEquals(new float[] {0, 1, 0}, HueSaturationValue.shift(red, 120, 0, 0).data(), 1e-6f);
        assertArrayEquals(new float[] {1, 0.5f, 0.5f}, HueSaturationValue.shift(red, 0, -0.5, 0).data(), 1e-6f);
        FloatImage gray = new FloatImage(1, 1, 1, new float[] {0.5f});
        assertEquals(0.6f, HueSaturationValue.shift(gray, 90, 0.3, 0.1).get(0, 0), 1e-6f);
        float[] k = Filters.gaussianKernel(3, 0);
        assertEquals(1f, k[0] + k[1] + k[2], 1e-6f);
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.25f}, k, "OpenCV's fixed kernel for ksize 3, sigma 0");
        float[] k9 = Filters.gaussianKernel(9, 0); // sigma = 0.3 * (4 - 1) + 0.8 = 1.7
        assertEquals(Math.exp(-16 / (2 * 1.7 * 1.7)) / Math.exp(0), k9[0] / k9[4], 1e-5);
        float[] salt = new float[25];
        salt[12] = 1f;
        assertEquals(0f, MedianBlur.median(new FloatImage(5, 5, 1, salt), 3).max());
        FloatImage rgba = new FloatImage(1, 1, 4, new float[] {0.5f, 0.5f, 0.5f, 1f});
        FloatImage bright = new RandomBrightness(0.2).apply(new AugmentationSample(rgba, null), new Random(1)).image();
        assertEquals(1f, bright.get(0, 0, 3), "alpha untouched");
    }

    private static AugmentationSample real() throws IOException {
        FloatImage img = ImageFileReader.read(TestData.image(TestData.GRAY_ID)).withoutAlpha().crop(0, 0, 96, 80);
        LabelImage l = ImageFileReader.readLabels(TestData.labels(TestData.GRAY_ID)).crop(0, 0, 96, 80);
        return new AugmentationSample(img, l);
    }
}
