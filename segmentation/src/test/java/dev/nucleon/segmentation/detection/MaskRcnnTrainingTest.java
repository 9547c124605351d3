package dev.nucleon.segmentation.detection;

import dev.nucleon.segmentation.dataset.ImageKind;
import dev.nucleon.segmentation.dataset.TrainingSample;
import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.metrics.ImageScore;
import dev.nucleon.segmentation.metrics.MeanAveragePrecision;
import dev.nucleon.segmentation.preprocess.NetworkInput;
import dev.nucleon.segmentation.train.Trainer;
import dev.nucleon.segmentation.train.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mask R-CNN through the project's {@link Trainer} and {@link Predictor}: a seeded tiny detector overfits 8 synthetic
 * 64×64 images of bright, partly touching nuclei, then segments them far better than chance (an untrained one scores
 * 0).
 */
class MaskRcnnTrainingTest {

    private static final int EPOCHS = 25;

    /** 8 images, 2–4 elliptical nuclei each (radii 6–11 px), some touching, on a noisy dark background. */
    static List<TrainingSample> syntheticImages(long seed) {
        Random r = new Random(seed);
        List<TrainingSample> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int s = 64;
            int[] labels = new int[s * s];
            float[] rgb = new float[3 * s * s];
            int n = 2 + r.nextInt(3);
            for (int k = 1; k <= n; k++) {
                double cx = 12 + r.nextInt(40), cy = 12 + r.nextInt(40);
                double rx = 6 + r.nextInt(6), ry = 6 + r.nextInt(6);
                for (int y = 0; y < s; y++) {
                    for (int x = 0; x < s; x++) {
                        double u = (x + 0.5 - cx) / rx, v = (y + 0.5 - cy) / ry;
                        if (u * u + v * v <= 1 && labels[y * s + x] == 0) {
                            labels[y * s + x] = k;
                        }
                    }
                }
            }
            for (int p = 0; p < s * s; p++) {
                float base = labels[p] != 0 ? 0.75f : 0.1f;
                for (int c = 0; c < 3; c++) {
                    rgb[c * s * s + p] = base + 0.05f * (float) r.nextGaussian();
                }
            }
            out.add(new TrainingSample("img" + i, new FloatImage(s, s, 3, rgb), new LabelImage(s, s, labels)
                    .relabelSequential(), ImageKind.GRAY));
        }
        return out;
    }

    private static double meanScore(Predictor p, List<TrainingSample> images) {
        List<ImageScore> scores = new ArrayList<>();
        for (TrainingSample s : images) {
            scores.add(MeanAveragePrecision.score(s.id(), s.labels(), p.segmentInput(s.input())));
        }
        return MeanAveragePrecision.mean(scores);
    }

    @Test
    void aSeededTinyRunOverfitsEightImagesAndSegmentsThemWellAboveChance(@TempDir Path dir) throws IOException {
        List<TrainingSample> images = syntheticImages(3);
        MaskRcnn net = TinyDetector.create(11);
        double untrained = meanScore(new Predictor(net, NetworkInput.RGB_NAME, Head.FOREGROUND), images);

        TrainerConfig config = new TrainerConfig(EPOCHS, 4, 64, 8, 5e-3, "adam", "bce", 0, 0, 0.5, 1e-5, 0, 5, 1, 2,
                false, false, 64, "none");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path model = dir.resolve("tiny.safetensors");
        Trainer.Result result = new Trainer(config, new PrintStream(log, true)).inPlaceProgress(false)
                .input(NetworkInput.RGB_NAME).fitPrepared(net, images, List.of(), model);

        assertEquals(EPOCHS, result.history().size());
        double first = result.history().get(0).trainLoss(), last = result.history().get(EPOCHS - 1).trainLoss();
        assertTrue(Files.isRegularFile(model) && Files.isRegularFile(Trainer.Files.of(model).history()), log.toString());

        Predictor predictor = new Predictor(net, NetworkInput.RGB_NAME, Head.FOREGROUND);
        assertTrue(predictor.isDetector());
        double trained = meanScore(predictor, images);
        System.out.printf("mask-rcnn tiny overfit: loss %.3f -> %.3f, official score %.3f (untrained %.3f)%n", first,
                last, trained, untrained);
        FloatImage blank = new FloatImage(64, 64, 3, new float[3 * 64 * 64]);
        java.util.Arrays.fill(blank.data(), 0.1f);
        assertEquals(LabelImage.empty(64, 64), predictor.segmentInput(blank), "the trained detector finds no nuclei "
                + "on an image of background only");
        assertTrue(last < 0.5 * first, "training loss " + first + " -> " + last + "\n" + log);
        assertTrue(trained > 0.4 && trained > untrained + 0.3, "score " + untrained + " -> " + trained + "\n" + log);
    }

    @Test
    void anImageWithoutNucleiTrainsAndInfersEmptyLabels(@TempDir Path dir) throws IOException {
        TrainingSample some = syntheticImages(4).get(0);
        TrainingSample none = new TrainingSample("empty", new FloatImage(64, 64, 3, new float[3 * 64 * 64]),
                LabelImage.empty(64, 64), ImageKind.GRAY);
        MaskRcnn net = TinyDetector.create(2);
        TrainerConfig config = new TrainerConfig(1, 2, 64, 1, 1e-3, "sgd-momentum", "bce", 0, 0, 0.5, 1e-5, 0, 5, 1, 2,
                true, false, 64, "none");
        Trainer.Result r = new Trainer(config, new PrintStream(new ByteArrayOutputStream(), true)).inPlaceProgress(false)
                .input(NetworkInput.RGB_NAME).fitPrepared(net, List.of(none, some), List.of(none),
                        dir.resolve("m.safetensors"));
        assertTrue(Double.isFinite(r.history().get(0).trainLoss()));
        assertTrue(Double.isFinite(r.bestScore()), "validated on the empty image: " + r.bestScore());
        LabelImage l = new Predictor(net, NetworkInput.RGB_NAME, Head.FOREGROUND).segmentInput(none.input());
        assertEquals(64, l.width());
    }
}
