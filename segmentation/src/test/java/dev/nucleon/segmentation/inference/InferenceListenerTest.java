package dev.nucleon.segmentation.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@link Predictor}'s progress and cancel listener, in each tiling mode. */
class InferenceListenerTest {

    /** A predictor that never rescales (no training diameter), on a small batch-norm U-Net. */
    private static Predictor predictor() {
        return new Predictor(PredictorTest.smallBnNet(3)).diameter(0).batchSize(2);
    }

    private static FloatImage image() {
        return PredictorThreadSafetyTest.blobs(200, 150, 5);
    }

    /** Records every (done, total) report. */
    private static class Recorder implements InferenceListener {
        final List<int[]> reports = new ArrayList<>();

        @Override
        public void tile(int done, int total) {
            reports.add(new int[] {done, total});
        }
    }

    @Test
    void blendedTilesAreCountedBatchByBatchAndTheResultIsUnchanged() {
        Predictor p = predictor().blendedTiles(64, 16);
        Recorder r = new Recorder();
        LabelImage with = p.segment(image(), r);
        // origins along 200 px: ceil((200 - 16) / 48) = 4; along 150: ceil(134 / 48) = 3 → 12 tiles, batches of 2
        assertEquals(6, r.reports.size());
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(new int[] {2 * (i + 1), 12}, r.reports.get(i));
        }
        assertArrayEquals(p.segment(image()).data(), with.data(), "a listener must not change the result");
    }

    @Test
    void coreTilesAndTheGridAreCountedToo() {
        Recorder cores = new Recorder();
        predictor().tiles(64, 16).output(image(), cores);
        // cores of 64 flush with the edge: 200 → 0, 64, 128, 136 (4); 150 → 0, 64, 86 (3); one tile per call
        assertEquals(12, cores.reports.size());
        assertArrayEquals(new int[] {12, 12}, cores.reports.get(11));

        Recorder grid = new Recorder();
        predictor().patches(128, 128).output(image(), grid);
        // 200 → 0, 72; 150 → 0, 22: 4 patches in 2 batches
        assertEquals(List.of("2/4", "4/4"), grid.reports.stream().map(a -> a[0] + "/" + a[1]).toList());
    }

    @Test
    void flipTtaCountsEachTileOnce() {
        Recorder r = new Recorder();
        predictor().blendedTiles(64, 16).flipTta(true).output(image(), r);
        assertArrayEquals(new int[] {12, 12}, r.reports.get(r.reports.size() - 1));
    }

    @Test
    void cancellingStopsTheCallWithCancellationExceptionAndThePredictorStaysUsable() {
        Predictor p = predictor().blendedTiles(64, 16);
        AtomicBoolean stop = new AtomicBoolean();
        List<Integer> seen = new ArrayList<>();
        InferenceListener l = InferenceListener.of((done, total) -> {
            seen.add(done);
            if (done >= 4) {
                stop.set(true); // e.g. a Cancel button pressed while the third batch was running
            }
        }, stop::get);
        assertThrows(CancellationException.class, () -> p.segment(image(), l));
        assertEquals(List.of(2, 4), seen, "no batch may run after the cancel was seen");

        Recorder r = new Recorder();
        LabelImage again = p.segment(image(), r);
        assertEquals(6, r.reports.size(), "the next call starts from zero");
        assertArrayEquals(p.segment(image()).data(), again.data());
    }

    @Test
    void cancelledBeforeTheFirstBatchRunsNothing() {
        Recorder r = new Recorder() {
            @Override
            public boolean cancelled() {
                return true;
            }
        };
        assertThrows(CancellationException.class, () -> predictor().segment(image(), r));
        assertTrue(r.reports.isEmpty());
    }
}
