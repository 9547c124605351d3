package dev.nucleon.segmentation.morphology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.LabelImage;

import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConnectedComponentsTest {
    private static final BinaryMask MASK = BinaryMask.parse(
            "##..#",
            "#..##",
            "..#..",
            "##...");

    @Test
    void fourConnectivityByHand() {
        assertEquals(LabelImage.parse(
                "11..2",
                "1..22",
                "..3..",
                "44..."), ConnectedComponents.label(MASK, Connectivity.FOUR));
    }

    @Test
    void eightConnectivityByHand() {
        assertEquals(LabelImage.parse(
                "11..2",
                "1..22",
                "..2..",
                "22..."), ConnectedComponents.label(MASK, Connectivity.EIGHT));
    }

    @Test
    void mergesBranchesThatMeetLater() {
        BinaryMask u = BinaryMask.parse(
                "#.#.#",
                "#.#.#",
                "#####");
        assertEquals(1, ConnectedComponents.count(u, Connectivity.FOUR));
        BinaryMask diag = BinaryMask.parse(
                "#...#",
                ".#.#.",
                "..#..");
        assertEquals(5, ConnectedComponents.count(diag, Connectivity.FOUR));
        assertEquals(1, ConnectedComponents.count(diag, Connectivity.EIGHT));
    }

    @Test
    void splitsLabelMapsIntoConnectedPieces() {
        LabelImage l = LabelImage.parse(
                "11.1",
                "22.1",
                "....",
                "3333");
        assertEquals(LabelImage.parse(
                "11.2",
                "33.2",
                "....",
                "4444"), ConnectedComponents.label(l, Connectivity.EIGHT));
    }

    @Test
    void matchesFloodFillOnRandomMasks() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 40; trial++) {
            int w = 1 + rnd.nextInt(40), h = 1 + rnd.nextInt(40);
            boolean[] d = new boolean[w * h];
            double p = rnd.nextDouble();
            for (int i = 0; i < d.length; i++) {
                d[i] = rnd.nextDouble() < p;
            }
            BinaryMask m = new BinaryMask(w, h, d);
            for (Connectivity c : Connectivity.values()) {
                assertEquals(floodFill(m, c), ConnectedComponents.label(m, c), "trial " + trial + " " + c);
            }
        }
    }

    /** Reference: BFS flood fill in raster order of seeds. */
    static LabelImage floodFill(BinaryMask m, Connectivity c) {
        int w = m.width(), h = m.height();
        int[] out = new int[w * h];
        int next = 0;
        for (int s = 0; s < out.length; s++) {
            if (!m.data()[s] || out[s] != 0) {
                continue;
            }
            out[s] = ++next;
            ArrayDeque<Integer> q = new ArrayDeque<>();
            q.add(s);
            while (!q.isEmpty()) {
                int p = q.poll();
                for (int[] o : c.offsets()) {
                    int x = p % w + o[0], y = p / w + o[1];
                    if (x >= 0 && y >= 0 && x < w && y < h && m.get(x, y) && out[y * w + x] == 0) {
                        out[y * w + x] = next;
                        q.add(y * w + x);
                    }
                }
            }
        }
        return new LabelImage(w, h, out);
    }
}
