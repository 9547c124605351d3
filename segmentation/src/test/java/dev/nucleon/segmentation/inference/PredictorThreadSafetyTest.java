package dev.nucleon.segmentation.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.preprocess.NetworkInput;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, case 7: one {@link Predictor} shared by 8 threads gives, in every mode, bit for bit what it gives
 * one thread. Images of different sizes run at once, so the per-tile input sides differ between threads in the
 * core-tile mode (where the failure was) and an unsafe per-call field would be seen.
 */
class PredictorThreadSafetyTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 2;

    /** Blobs on a dark background, of the given size. */
    static FloatImage blobs(int w, int h, long seed) {
        Random r = new Random(seed);
        float[] d = new float[w * h];
        for (int i = 0; i < d.length; i++) {
            d[i] = 0.1f * r.nextFloat();
        }
        for (int k = 0; k < w * h / 400; k++) {
            int cx = r.nextInt(w), cy = r.nextInt(h), rad = 3 + r.nextInt(5);
            for (int y = Math.max(0, cy - rad); y < Math.min(h, cy + rad + 1); y++) {
                for (int x = Math.max(0, cx - rad); x < Math.min(w, cx + rad + 1); x++) {
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad) {
                        d[y * w + x] = 0.6f + 0.4f * r.nextFloat();
                    }
                }
            }
        }
        return new FloatImage(w, h, 1, d);
    }

    @Test
    void everyModeGivesTheSameResultsFromEightThreads(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(Predictor.META_INPUT, NetworkInput.NAME);
        meta.put(Predictor.META_HEAD, Head.FOREGROUND.label());
        meta.put(Predictor.META_DIAMETER, "6"); // small: the random model's blobs make auto-rescale kick in
        Checkpoint.save(file, PredictorTest.smallBnNet(11), meta);
        List<FloatImage> images = List.of(blobs(70, 53, 1), blobs(97, 81, 2), blobs(48, 112, 3), blobs(33, 30, 4));

        Map<String, UnaryOperator<Predictor>> modes = new LinkedHashMap<>();
        modes.put("tiles", p -> p.diameter(0).tiles(32, 8));
        modes.put("grid", p -> p.diameter(0).patches(48, 32).batchSize(3));
        modes.put("blended default", p -> p.diameter(0));
        modes.put("blended small", p -> p.diameter(0).blendedTiles(48, 16).batchSize(2));
        modes.put("tta", p -> p.diameter(0).blendedTiles(32, 8).flipTta(true));
        modes.put("tiles tta", p -> p.diameter(0).tiles(32, 8).flipTta(true));
        modes.put("auto-rescale", p -> p.blendedTiles(32, 8));
        modes.put("given diameter", p -> p.diameter(15).patches(32, 32));

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (Map.Entry<String, UnaryOperator<Predictor>> mode : modes.entrySet()) {
                Predictor p = mode.getValue().apply(Predictor.load(file));
                List<float[]> probs = new ArrayList<>();
                List<int[]> labels = new ArrayList<>();
                for (FloatImage im : images) {
                    probs.add(p.output(im).data());
                    labels.add(p.segment(im).data());
                }
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> jobs = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int first = t;
                    jobs.add(pool.submit(() -> {
                        start.await();
                        for (int round = 0; round < ROUNDS; round++) {
                            for (int j = 0; j < images.size(); j++) {
                                int i = (first + j) % images.size(); // threads start on different images
                                assertArrayEquals(probs.get(i), p.output(images.get(i)).data(),
                                        mode.getKey() + ": probabilities of image " + i);
                                assertArrayEquals(labels.get(i), p.segment(images.get(i)).data(),
                                        mode.getKey() + ": labels of image " + i);
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> job : jobs) {
                    job.get(); // rethrows a thread's failure
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Calls used to switch the model to inference mode and back on every call: from several threads one call's
     * "back to training" landed inside another's forward pass (batch norm on batch statistics, running statistics
     * rewritten). Calls now never switch modes, and a model put back into training is refused loudly.
     */
    @Test
    void aModelSwitchedBackToTrainingIsRefusedNotSilentlyMixed() {
        dev.nucleon.nn.Module net = PredictorTest.smallBnNet(12);
        Predictor p = new Predictor(net).diameter(0).tiles(32, 8);
        FloatImage image = blobs(40, 40, 5);
        FloatImage before = p.probability(image);
        net.train();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> p.probability(image));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("training mode"), e.getMessage());
        assertEquals(true, net.isTraining(), "a call does not change the model's mode");
        net.eval();
        assertArrayEquals(before.data(), p.probability(image).data());
    }

    @Test
    void autoRescaleActuallyRescalesInTheTest(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(Predictor.META_DIAMETER, "6");
        Checkpoint.save(file, PredictorTest.smallBnNet(11), meta);
        Predictor p = Predictor.load(file).diameter(15);
        FloatImage in = NetworkInput.prepare(blobs(70, 53, 1));
        assertEquals(6.0 / 15, p.scaleOf(in), 1e-12, "the given-diameter mode rescales");
        LabelImage l = p.segment(blobs(70, 53, 1));
        assertEquals(70, l.width());
    }
}
