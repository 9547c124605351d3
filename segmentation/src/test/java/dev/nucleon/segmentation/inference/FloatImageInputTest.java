package dev.nucleon.segmentation.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.io.ImageFileReader;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, case 6, through the bundled model: a float image in its own units (0–1000) is segmented as the same
 * image in [0, 1], and one NaN sample no longer blanks a region of the probability map.
 */
class FloatImageInputTest {

    @Test
    void floatImagesOfAnyRangeAndNanSamplesSegmentLikeTheCleanImage() throws IOException {
        FloatImage image = ImageFileReader.read(TestData.image(TestData.GRAY_ID)).withoutAlpha(); // 17 nuclei
        Predictor p = Predictor.bundled();
        int clean = p.segment(image).countLabels();

        float[] d = image.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] *= 1000f; // a float32 TIFF of 0–1000: its median (~40) was above 0.5, so it was inverted
        }
        FloatImage wide = new FloatImage(image.width(), image.height(), image.channels(), d);
        int scaled = p.segment(wide).countLabels();

        float[] e = image.data().clone();
        e[128 * image.width() + 128] = Float.NaN;
        FloatImage withNan = new FloatImage(image.width(), image.height(), image.channels(), e);
        FloatImage prob = p.probability(withNan);
        int nan = 0;
        for (float v : prob.data()) {
            nan += Float.isNaN(v) ? 1 : 0;
        }
        int withNanCount = p.segment(withNan).countLabels();

        String report = "clean " + clean + ", 0-1000 " + scaled + ", one NaN " + withNanCount + " nuclei; NaN outputs " + nan;
        System.out.println("FloatImageInputTest: " + report);
        assertTrue(clean >= 12 && clean <= 22, report);
        assertEquals(clean, scaled, report);
        assertEquals(0, nan, report);
        assertTrue(Math.abs(withNanCount - clean) <= 1, report);
    }
}
