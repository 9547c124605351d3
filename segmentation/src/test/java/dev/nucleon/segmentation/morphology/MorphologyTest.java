package dev.nucleon.segmentation.morphology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import org.junit.jupiter.api.Test;

/**
 * The binary- and label-image algorithms by hand: thresholding, small-object removal, hole filling (by size and
 * enclosed), h-maxima, reconstruction, peaks, watershed, boundaries.
 */
class MorphologyTest {
    @Test
    void thresholdIsStrict() {
        FloatImage p = new FloatImage(3, 1, 1, new float[] {0.4f, 0.5f, 0.6f});
        assertEquals(BinaryMask.parse("..#"), Threshold.apply(p, 0.5f));
    }

    @Test
    void removesObjectsSmallerThanMinSize() {
        BinaryMask m = BinaryMask.parse(
                "##...#",
                "##....",
                "....##");
        assertEquals(BinaryMask.parse(
                "##....",
                "##....",
                "....##"), SmallObjectRemoval.apply(m, 2, Connectivity.EIGHT));
        assertEquals(BinaryMask.parse(
                "##....",
                "##....",
                "......"), SmallObjectRemoval.apply(m, 3, Connectivity.EIGHT));
        LabelImage l = LabelImage.parse("11.2", "11.3", "...3");
        assertEquals(LabelImage.parse("11..", "11.3", "...3"), SmallObjectRemoval.apply(l, 2));
    }

    @Test
    void fillsHolesSmallerThanThreshold() {
        BinaryMask m = BinaryMask.parse(
                "#####.....",
                "#.#.#.####",
                "#####.#..#",
                "......#..#",
                "......####");
        // holes of 1 px are filled with threshold 2; the 4-px hole needs threshold 5
        assertEquals(BinaryMask.parse(
                "#####.....",
                "#####.####",
                "#####.#..#",
                "......#..#",
                "......####"), SmallHoleFilling.apply(m, 2, Connectivity.FOUR));
        BinaryMask all = SmallHoleFilling.apply(m, 5, Connectivity.FOUR);
        assertTrue(all.get(7, 2) && all.get(8, 3));
        assertTrue(!all.get(0, 4), "the big outer background stays");
    }

    @Test
    void hMaximaKeepsOnlyDomesOfDynamicAtLeastH() {
        FloatImage f = new FloatImage(7, 1, 1, new float[] {0, 1, 3, 2, 3.5f, 1, 0});
        assertEquals(BinaryMask.parse("..#.#.."), HMaxima.mask(f, 1f, Connectivity.EIGHT));
        assertEquals(BinaryMask.parse("....#.."), HMaxima.mask(f, 1.5f, Connectivity.EIGHT));
        FloatImage plateau = new FloatImage(6, 1, 1, new float[] {0, 2, 2, 2, 1, 0});
        assertEquals(BinaryMask.parse(".###.."), HMaxima.mask(plateau, 1f, Connectivity.EIGHT));
    }

    @Test
    void reconstructionByDilationFillsUpToTheMask() {
        FloatImage mask = new FloatImage(5, 1, 1, new float[] {3, 1, 4, 4, 2});
        FloatImage marker = new FloatImage(5, 1, 1, new float[] {0, 0, 0, 3, 0});
        assertArrayEquals(new float[] {1, 1, 3, 3, 2},
                MorphologicalReconstruction.byDilation(marker, mask, Connectivity.FOUR).data());
    }

    @Test
    void peakLocalMaxRespectsMinDistanceAndThreshold() {
        float[] d = new float[10 * 5];
        FloatImage img = new FloatImage(10, 5, 1, d);
        img.set(2, 2, 5f);
        img.set(4, 2, 4f);   // 2 px from the first: suppressed with minDistance 2
        img.set(8, 2, 3f);
        img.set(8, 4, 0.5f);
        int[] peaks = PeakLocalMax.find(img, 2, 1f, 0);
        assertArrayEquals(new int[] {2 * 10 + 2, 2 * 10 + 8}, peaks);
        assertArrayEquals(new int[] {2 * 10 + 2, 2 * 10 + 4, 2 * 10 + 8}, PeakLocalMax.find(img, 1, 1f, 0));
        assertArrayEquals(new int[] {2 * 10 + 2, 2 * 10 + 4}, PeakLocalMax.find(img, 1, 1f, 2),
                "peaks closer than 2 px to the edge are excluded");
        LabelImage markers = PeakLocalMax.markers(img, 2, 1f);
        assertEquals(1, markers.get(2, 2));
        assertEquals(2, markers.get(8, 2));
    }

    @Test
    void watershedFloodsFromMarkersInsideTheMask() {
        // a 1-D valley profile: two basins separated by a ridge at x = 3
        FloatImage elev = new FloatImage(7, 1, 1, new float[] {0, 1, 2, 5, 2, 1, 0});
        LabelImage markers = LabelImage.parse("1.....2");
        // ties pop first-in first-out: basin 1 reaches the ridge (elevation 5) first
        assertEquals(LabelImage.parse("1111222"), Watershed.apply(elev, markers, null, Connectivity.FOUR));
        BinaryMask mask = BinaryMask.parse("###.###");
        assertEquals(LabelImage.parse("111.222"), Watershed.apply(elev, markers, mask, Connectivity.FOUR));
    }

    @Test
    void boundaryExtractionAndRegionFilling() {
        BinaryMask square = BinaryMask.parse(
                ".....",
                ".###.",
                ".###.",
                ".###.",
                ".....");
        assertEquals(BinaryMask.parse(
                ".....",
                ".###.",
                ".#.#.",
                ".###.",
                "....."), BoundaryExtraction.inner(square, Connectivity.EIGHT));
        assertEquals(BinaryMask.parse("##", "##").count(), 4);
        assertEquals(BinaryMask.empty(2, 2), BoundaryExtraction.inner(BinaryMask.parse("##", "##"), Connectivity.EIGHT),
                "the image edge is no boundary");
        assertEquals(BinaryMask.parse("##", "##"),
                BoundaryExtraction.ofLabels(LabelImage.parse("12", "12"), Connectivity.FOUR),
                "touching nuclei both get a boundary");

        BinaryMask ring = BinaryMask.parse(
                "#####.",
                "#..#..",
                "#####.",
                "#.#...");
        assertEquals(BinaryMask.parse(
                "#####.",
                "####..",
                "#####.",
                "#.#..."), RegionFilling.fillHoles(ring), "(4,1) and (1,3) reach the edge: not holes");
        LabelImage labels = LabelImage.parse(
                "111.222",
                "1.1.2.2",
                "111.222",
                ".......",
                "3344...",
                "3.44...",
                "3344...");
        LabelImage filled = RegionFilling.fillHoles(labels);
        assertEquals(1, filled.get(1, 1));
        assertEquals(2, filled.get(5, 1));
        assertEquals(0, filled.get(1, 5), "a hole between 3 and 4 touches both: left empty");
    }
}
