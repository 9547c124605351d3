package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link AnchorGenerator} against torchvision's {@code AnchorGenerator}: the cell anchors of its Faster/Mask R-CNN
 * FPN default (sizes 32 … 512, ratios 0.5, 1, 2) as torchvision prints them, the grid layout and order, the stride
 * from integer division, and the centring offset.
 */
class AnchorGeneratorTest {

    private static final float[] RATIOS = {0.5f, 1f, 2f};

    @Test
    void cellAnchorsAreTorchvisionsFpnDefaults() {
        AnchorGenerator g = new AnchorGenerator(new float[][] {{32}, {64}, {128}, {256}, {512}},
                new float[][] {RATIOS, RATIOS, RATIOS, RATIOS, RATIOS});
        float[][] expected = {
                {-23, -11, 23, 11, -16, -16, 16, 16, -11, -23, 11, 23},
                {-45, -23, 45, 23, -32, -32, 32, 32, -23, -45, 23, 45},
                {-91, -45, 91, 45, -64, -64, 64, 64, -45, -91, 45, 91},
                {-181, -91, 181, 91, -128, -128, 128, 128, -91, -181, 91, 181},
                {-362, -181, 362, 181, -256, -256, 256, 256, -181, -362, 181, 362}};
        for (int level = 0; level < 5; level++) {
            assertEquals(3, g.anchorsPerLocation(level));
            assertArrayEquals(expected[level], g.cellAnchors(level).toArray(), "level " + level);
        }
    }

    @Test
    void severalSizesPerLevelAreRatioMajor() {
        AnchorGenerator g = new AnchorGenerator(new float[][] {{16, 32}}, new float[][] {{1f, 4f}});
        // ratio 1: 16, 32; ratio 4: h = 2s, w = s/2
        assertArrayEquals(new float[] {-8, -8, 8, 8, -16, -16, 16, 16, -4, -16, 4, 16, -8, -32, 8, 32},
                g.cellAnchors(0).toArray());
    }

    @Test
    void anchorsTileEachLevelRowByRowWithIntegerStrides() {
        AnchorGenerator g = new AnchorGenerator(new float[][] {{10}, {20}}, new float[][] {{1f}, {1f, 2f}});
        // image 15x15: level 0 on a 3x3 grid (stride 5), level 1 on a 2x2 grid (stride 15 / 2 = 7)
        Tensor a = g.anchors(15, 15, new int[][] {{3, 3}, {2, 2}});
        assertArrayEquals(new int[] {3 * 3 + 2 * 2 * 2, 4}, a.shape());
        float[] v = a.toArray();
        assertArrayEquals(new float[] {-5, -5, 5, 5}, java.util.Arrays.copyOfRange(v, 0, 4));
        assertArrayEquals(new float[] {0, -5, 10, 5}, java.util.Arrays.copyOfRange(v, 4, 8));     // (0, 1): x + 5
        assertArrayEquals(new float[] {-5, 0, 5, 10}, java.util.Arrays.copyOfRange(v, 12, 16));   // (1, 0): y + 5
        assertArrayEquals(new float[] {5, 5, 15, 15}, java.util.Arrays.copyOfRange(v, 32, 36));   // (2, 2)
        int l1 = 9 * 4;
        assertArrayEquals(new float[] {-10, -10, 10, 10, -7, -14, 7, 14},
                java.util.Arrays.copyOfRange(v, l1, l1 + 8));                                     // (0, 0), both ratios
        assertArrayEquals(new float[] {-3, -10, 17, 10}, java.util.Arrays.copyOfRange(v, l1 + 8, l1 + 12)); // (0, 1)
        assertArrayEquals(new float[] {0, -7, 14, 21}, java.util.Arrays.copyOfRange(v, l1 + 28, l1 + 32)); // (1, 1), ratio 2
    }

    @Test
    void offsetHalfCentresAnchorsOnTheCells() {
        AnchorGenerator g = new AnchorGenerator(new float[][] {{8}}, new float[][] {{1f}}, 0.5f);
        assertArrayEquals(new float[] {-2, -2, 6, 6, 2, -2, 10, 6},
                java.util.Arrays.copyOfRange(g.anchors(8, 16, new int[][] {{2, 4}}).toArray(), 0, 8),
                "stride 4: first two centres at (2, 2) and (6, 2)");
    }

    @Test
    void mismatchedLevelsAreNamed() {
        AnchorGenerator g = new AnchorGenerator(new float[][] {{32}}, new float[][] {{1f}});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.anchors(64, 64, new int[][] {{8, 8}, {4, 4}}));
        assertEquals("anchor generator: 2 feature maps for 1 levels", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AnchorGenerator(new float[][] {{32}, {64}},
                new float[][] {{1f}}));
    }
}
