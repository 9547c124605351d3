package dev.nucleon.fiji;

import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.instance.NucleusMeasurement;
import dev.nucleon.segmentation.instance.RegionMeasurements;
import ij.ImagePlus;
import ij.gui.Roi;
import ij.process.ByteProcessor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Traced ROIs hold exactly their label's pixels: holes stay out, pieces stay in, neighbours stay apart. */
class LabelTracingTest {
    @Test
    void eachRoiHoldsExactlyItsLabelsPixels() {
        LabelImage labels = LabelImage.parse(
                "0000000000",
                "0111110220",
                "0100010220",
                "0101010000",
                "0100010303",
                "0111110303",
                "0000000000");
        List<NucleusMeasurement> nuclei = RegionMeasurements.measure(labels, null);
        ImagePlus canvas = new ImagePlus("c", new ByteProcessor(labels.width(), labels.height()));
        assertEquals(3, nuclei.size());
        for (NucleusMeasurement m : nuclei) {
            Roi roi = LabelTracing.trace(labels, m);
            assertEquals(Integer.toString(m.label()), roi.getName());
            canvas.setRoi(roi);
            assertEquals(m.area(), canvas.getStatistics().pixelCount, "pixels in ROI " + m.label());
            for (int y = 0; y < labels.height(); y++) {
                for (int x = 0; x < labels.width(); x++) {
                    assertEquals(labels.get(x, y) == m.label(), roi.contains(x, y),
                            "label " + m.label() + " at (" + x + ", " + y + ")");
                }
            }
        }
        // label 1 is a ring with a one-pixel island of itself inside its hole
        Roi ring = LabelTracing.trace(labels, nuclei.get(0));
        assertTrue(ring.contains(3, 3), "the island");
        assertFalse(ring.contains(2, 3), "the hole");
    }
}
