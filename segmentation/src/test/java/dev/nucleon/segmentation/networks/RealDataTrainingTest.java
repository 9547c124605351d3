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
import org.junit.jupiter.api.Test;

/**
 * A short training run on real DSB2018 crops (skipped when shared/datasets/dsb2018 is absent): paper 004's
 * U-Net at B = 8 with paper 004's loss (BCE − log Dice) and Adam lowers the loss on four 64×64 grayscale
 * crops by at least 30 % in 20 steps. It checks that a preset, the loss and the optimiser fit together on the
 * real data, not that the network segments well.
 */
class RealDataTrainingTest {

    static final int CROPS = 4;
    static final int SIZE = 64;
    static final int STEPS = 20;

    /**
     * Images (CROPS, 1, SIZE, SIZE) in [0, 1] and their nucleus masks, from the first grayscale samples in id
     * order: in each, the SIZE×SIZE window (on a 16-pixel grid) whose foreground fraction is closest to 0.3.
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
            for (int v = 0; v < SIZE; v++) {
                for (int u = 0; u < SIZE; u++) {
                    int o = (i * SIZE + v) * SIZE + u;
                    images[o] = img.get(bestX + u, bestY + v);
                    masks[o] = fg.get(bestX + u, bestY + v) ? 1f : 0f;
                }
            }
        }
        return new Tensor[] {Tensor.of(images, CROPS, 1, SIZE, SIZE), Tensor.of(masks, CROPS, 1, SIZE, SIZE)};
    }

    @Test
    void unetB8LowersPaper004sLossOnRealCrops() throws IOException {
        assumeTrue(TestData.dsb2018().isPresent(), "shared/datasets/dsb2018 not found: skipping the real-data run");
        Tensor[] data = crops(Dsb2018Dataset.open(TestData.dsb2018().get()));
        Initializers.manualSeed(2018);
        Module net = Presets.build("unet", Map.of("base", 8));
        Optimizer adam = new Adam(net, 1e-3);
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
        System.out.printf(Locale.ROOT, "RealDataTrainingTest unet B=8, %d real %dx%d crops, Adam 1e-3: loss %.4f -> %.4f"
                + " after %d steps (%.0f%%) in %.1f s; curve%s%n", CROPS, SIZE, SIZE, initial, last, STEPS,
                100 * last / initial, seconds, curve);
        assertTrue(last < 0.7f * initial, "loss " + initial + " -> " + last + ";" + curve);
    }
}
