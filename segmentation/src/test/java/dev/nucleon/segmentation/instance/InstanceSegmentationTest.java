package dev.nucleon.segmentation.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.morphology.ConnectedComponents;
import dev.nucleon.segmentation.morphology.Connectivity;

import org.junit.jupiter.api.Test;

/** The instance step end to end: threshold, fill, remove, split touching nuclei by watershed, label. */
class InstanceSegmentationTest {
    @Test
    void splitsTwoTouchingDisks() {
        int w = 60, h = 40;
        boolean[] m = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double d1 = Math.hypot(x - 20, y - 20), d2 = Math.hypot(x - 38, y - 20);
                m[y * w + x] = d1 <= 11 || d2 <= 11;
            }
        }
        BinaryMask mask = new BinaryMask(w, h, m);
        assertEquals(1, ConnectedComponents.count(mask, Connectivity.EIGHT));
        for (InstanceSegmentation seg : new InstanceSegmentation[] {
                InstanceSegmentation.defaults(), InstanceSegmentation.defaults().withPeakMarkers(5)}) {
            LabelImage l = seg.segmentMask(mask);
            assertEquals(2, l.maxLabel());
            assertEquals(1, l.get(20, 20));
            assertEquals(2, l.get(38, 20));
            assertEquals(mask, l.foreground(), "no pixel lost");
        }
        assertEquals(1, InstanceSegmentation.defaults().withoutSplitting().segmentMask(mask).maxLabel());
    }

    @Test
    void segmentsAProbabilityMapAndKeepsTinyUnmarkedComponents() {
        FloatImage p = new FloatImage(8, 4, 1, new float[32]);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                p.set(x, y, 0.9f);
            }
        }
        p.set(6, 2, 0.8f);
        p.set(7, 2, 0.8f);
        LabelImage l = InstanceSegmentation.defaults().withMinObjectArea(2).withMaxHoleArea(0).segment(p);
        assertEquals(2, l.maxLabel());
        assertEquals(9, l.areas()[1]);
        assertEquals(2, l.areas()[2]);
        assertEquals(1, InstanceSegmentation.defaults().withMinObjectArea(3).segment(p).maxLabel());
    }
}
