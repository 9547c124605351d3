package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;
import dev.nucleon.segmentation.image.LabelImage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Boxes and masks from label maps: pixel-edge boxes, visible parts at the border, tiny instances dropped. */
class InstanceTargetsTest {

    private static MaskRcnn.Target of(LabelImage l, int minArea) {
        return InstanceTargets.of(l.data(), l.width(), l.height(), minArea);
    }

    @Test
    void eachLabelGivesItsPixelEdgeBoxAndMask() {
        LabelImage l = LabelImage.parse(
                "11.....",
                "11..33.",
                "....33.",
                "....3..");
        MaskRcnn.Target t = of(l, 1);
        assertArrayEquals(new float[] {0, 0, 2, 2, 4, 1, 6, 4}, t.boxes());
        assertArrayEquals(new int[] {1, 1}, t.labels());
        assertArrayEquals(new int[] {2, 4, 7}, t.masks().shape());
        float[] m = t.masks().toArray();
        int plane = 28;
        assertEquals(1f, m[0]);
        assertEquals(0f, m[4]);
        assertEquals(1f, m[plane + 7 + 4]);
        assertEquals(1f, m[plane + 21 + 4]);
        assertEquals(0f, m[plane + 21 + 5]);
        assertEquals(0f, m[plane + 0]);
    }

    @Test
    void aNucleusCutByTheCropKeepsItsVisiblePartAndSliversAreDropped() {
        LabelImage whole = LabelImage.parse(
                "..222",
                "..222",
                "1.222",
                "1....");
        LabelImage crop = whole.crop(1, 0, 4, 4); // label 1 falls outside, label 2 stays whole
        MaskRcnn.Target t = of(crop, 2);
        assertArrayEquals(new float[] {1, 0, 4, 3}, t.boxes());
        MaskRcnn.Target cut = of(whole.crop(3, 0, 2, 4), 4); // 2 columns × 3 rows of label 2 visible: 6 px
        assertArrayEquals(new float[] {0, 0, 2, 3}, cut.boxes());
        assertEquals(1, of(whole, 3).labels().length, "label 1 (2 px) is below 3 px and dropped");
        assertArrayEquals(new float[] {2, 0, 5, 3}, of(whole, 3).boxes());
    }

    @Test
    void anEmptyMapGivesAnEmptyTarget() {
        MaskRcnn.Target t = of(LabelImage.empty(8, 8), 1);
        assertEquals(0, t.labels().length);
        assertNull(t.masks());
    }

    @Test
    void aBatchOfFloatLabelMapsGivesOneTargetPerImage() {
        float[] y = new float[2 * 16];
        y[5] = 7; // image 0: label 7 at (1, 1) of a 4x4 map
        y[16 + 15] = 3; // image 1: label 3 at (3, 3)
        List<MaskRcnn.Target> ts = InstanceTargets.ofBatch(Tensor.of(y, 2, 1, 4, 4), 1);
        assertArrayEquals(new float[] {1, 1, 2, 2}, ts.get(0).boxes());
        assertArrayEquals(new float[] {3, 3, 4, 4}, ts.get(1).boxes());
        assertThrows(IllegalArgumentException.class, () -> InstanceTargets.ofBatch(Tensor.zeros(2, 2, 4, 4), 1));
    }
}
