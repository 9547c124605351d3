package dev.nucleon.segmentation.networks;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.loss.Loss;
import dev.nucleon.nn.optim.Adam;
import dev.nucleon.nn.optim.Optimizer;
import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.dataset.Dsb2018Dataset;
import dev.nucleon.segmentation.dataset.ImageKind;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.loss.BceLogDiceLoss;
import dev.nucleon.segmentation.preprocess.Grayscale;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Short training runs on real DSB2018 crops (skipped when shared/datasets/dsb2018 is absent): paper 004's
 * U-Net at B = 8 with paper 004's loss (BCE − log Dice) and Adam (lr 1e-3) lowers the loss on four 64×64
 * grayscale crops by at least 30 % in 20 steps, U-Net+ at B = 8 by at least 40 %. They check that the presets,
 * the loss and the optimiser fit together on real data (about 2 s each), not that the networks segment well.
 */
class RealDataTrainingTest {

    static final int CROPS = 4;
    static final int SIZE = 64;
    static final int STEPS = 20;
    static final double LR = 1e-3;

    /**
     * Images (CROPS, 1, SIZE, SIZE), each min-max rescaled to [0, 1], and their nucleus masks, from the first
     * grayscale samples in id order: in each, the SIZE×SIZE window (on a 16-pixel grid) whose foreground
     * fraction is closest to 0.3.
     */
    static Tensor[] crops(Dsb2018Dataset dataset) throws IOException {
        List<NucleiSample> gray = dataset.filter(ImageKind.GRAY).samples();
        float[] images = new float[CROPS * SIZE * SIZE];
        float[] masks = new float[CROPS * SIZE * SIZE];
        for (int i = 0; i < CROPS; i++) {
            NucleiSample s = gray.get(i);
            FloatImage img = Grayscale.of(s.readImage());
            BinaryMask fg = s.readLabels().foreground();
            int bestX = 0;
            int bestY = 0;
            double best = Double.MAX_VALUE;
            for (int y = 0; y + SIZE <= img.height(); y += 16) {
                for (int x = 0; x + SIZE <= img.width(); x += 16) {
                    int count = 0;
                    for (int v = 0; v < SIZE; v++) {
                        for (int u = 0; u < SIZE; u++) {
                            count += fg.get(x + u, y + v) ? 1 : 0;
                        }
                    }
                    double d = Math.abs(count / (double) (SIZE * SIZE) - 0.3);
                    if (d < best) {
                        best = d;
                        bestX = x;
                        bestY = y;
                    }
                }
            }
            // rescaled to [0, 1] per crop, as paper 004 rescales its preprocessed images
            FloatImage crop = img.crop(bestX, bestY, SIZE, SIZE);
            float lo = crop.min();
            float range = Math.max(crop.max() - lo, 1e-6f);
            for (int v = 0; v < SIZE; v++) {
                for (int u = 0; u < SIZE; u++) {
                    int o = (i * SIZE + v) * SIZE + u;
                    images[o] = (crop.get(u, v) - lo) / range;
                    masks[o] = fg.get(bestX + u, bestY + v) ? 1f : 0f;
                }
            }
        }
        return new Tensor[] {Tensor.of(images, CROPS, 1, SIZE, SIZE), Tensor.of(masks, CROPS, 1, SIZE, SIZE)};
    }

    static Tensor[] data;

    @BeforeAll
    static void load() throws IOException {
        assumeTrue(TestData.dsb2018().isPresent(), "shared/datasets/dsb2018 not found: skipping the real-data runs");
        data = crops(Dsb2018Dataset.open(TestData.dsb2018().get()));
    }

    /** Trains a fresh preset for STEPS Adam steps; returns {initial loss, loss after the last step}. */
    static float[] train(String preset, Map<String, ?> options, long seed) {
        Initializers.manualSeed(seed);
        Module net = Presets.build(preset, options);
        Optimizer adam = new Adam(net, LR);
        Loss loss = new BceLogDiceLoss();
        net.train();
        long t0 = System.nanoTime();
        float initial = Float.NaN;
        float last = Float.NaN;
        StringBuilder curve = new StringBuilder();
        for (int step = 0; step <= STEPS; step++) {
            adam.zeroGrad();
            Tensor l = loss.compute(net.forward(data[0]), data[1]);
            last = l.item();
            curve.append(String.format(Locale.ROOT, " %.3f", last));
            if (step == 0) {
                initial = last;
            }
            if (step < STEPS) {
                l.backward();
                adam.step();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "RealDataTrainingTest %s %s seed %d, %d real %dx%d crops, Adam %.0e, BCE - log Dice:"
                + " loss %.4f -> %.4f after %d steps (%.0f%%) in %.1f s; curve%s%n", preset, options, seed, CROPS, SIZE,
                SIZE, LR, initial, last, STEPS, 100 * last / initial, seconds, curve);
        return new float[] {initial, last};
    }

    /**
     * Paper 004's U-Net at B = 8. Its reference head (3×3 conv to 2 channels + ReLU, then 1×1 + sigmoid) can
     * start dead: with some seeds (e.g. 1) both ReLU channels are zero everywhere and only the last bias learns
     * (the loss stays at 97 %), so this run uses a seed where the head is alive; the U-Net+ run below is the
     * seed-robust check (30–51 % after 20 steps over seeds 1–5 and 2018).
     */
    @Test
    void unetB8LowersPaper004sLossOnRealCrops() {
        float[] l = train("unet", Map.of("base", 8), 2018);
        assertTrue(l[1] < 0.7f * l[0], "loss " + l[0] + " -> " + l[1]);
    }

    /** Paper 004's U-Net+ at B = 8 (batch norm in every block) learns faster and for any seed. */
    @Test
    void unetPlusB8LowersItFaster() {
        float[] l = train("unet-plus", Map.of("base", 8), 2018);
        assertTrue(l[1] < 0.6f * l[0], "loss " + l[0] + " -> " + l[1]);
    }
}
