package dev.nucleon.segmentation.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.Tensor;
import dev.nucleon.segmentation.loss.BceLogDiceLoss;

import org.junit.jupiter.api.Test;

class HeadLossTest {
    @Test
    void isTheWeightedSumOfPerChannelBceLogDice() {
        Tensor p = Tensor.uniform(1, 0.05f, 0.95f, 2, 2, 5, 6);
        Tensor y = Tensor.uniform(2, 0f, 1f, 2, 2, 5, 6);
        float got = new HeadLoss(1f, 0.5f).compute(p, y).item();
        BceLogDiceLoss one = new BceLogDiceLoss();
        float c0 = one.compute(p.slice(1, 0, 1), y.slice(1, 0, 1)).item();
        float c1 = one.compute(p.slice(1, 1, 2), y.slice(1, 1, 2)).item();
        assertEquals(c0 + 0.5f * c1, got, 1e-5);
    }

    @Test
    void gradientMatchesCentralDifferences() {
        assertGradientMatchesCentralDifferences(HeadLoss.of(Head.CONTOUR), Tensor.uniform(4, 0f, 1f, 1, 2, 3, 3));
    }

    /** d loss / d p by autograd against central differences (h = 1e-3) at a random p in [0.1, 0.9]. */
    private static void assertGradientMatchesCentralDifferences(HeadLoss loss, Tensor y) {
        float[] base = Tensor.uniform(3, 0.1f, 0.9f, 1, 2, 3, 3).toArray();
        Tensor p = Tensor.of(base.clone(), 1, 2, 3, 3).requiresGrad(true);
        loss.compute(p, y).backward();
        float[] g = p.grad().toArray();
        double h = 1e-3;
        for (int i = 0; i < base.length; i++) {
            float[] plus = base.clone(), minus = base.clone();
            plus[i] += (float) h;
            minus[i] -= (float) h;
            double numeric = (loss.compute(Tensor.of(plus, 1, 2, 3, 3), y).item()
                    - loss.compute(Tensor.of(minus, 1, 2, 3, 3), y).item()) / (2 * h);
            assertEquals(numeric, g[i], 2e-2 * Math.max(1, Math.abs(numeric)), "d loss / d p[" + i + "]");
        }
    }

    @Test
    void perfectPredictionCostsAlmostNothingAndShapesAreChecked() {
        float[] t = Head.CONTOUR.target(HeadTest.touching());
        Tensor y = Tensor.of(t, 1, 2, 12, 24);
        float[] clipped = t.clone();
        for (int i = 0; i < clipped.length; i++) {
            clipped[i] = Math.max(1e-6f, Math.min(1 - 1e-6f, clipped[i]));
        }
        assertTrue(HeadLoss.of(Head.CONTOUR).compute(Tensor.of(clipped, 1, 2, 12, 24), y).item() < 1e-3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HeadLoss.of(Head.CONTOUR).compute(Tensor.zeros(1, 1, 4, 4), Tensor.zeros(1, 1, 4, 4)));
        assertTrue(e.getMessage().contains("(N, 2, H, W)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HeadLoss(1f, Float.NaN));
    }

    @Test
    void pixelWeightsOfOneGiveThePlainLossAndWeightTheCrossEntropyByHand() {
        Tensor p = Tensor.uniform(5, 0.05f, 0.95f, 2, 2, 4, 5);
        Tensor y = Tensor.uniform(6, 0f, 1f, 2, 2, 4, 5);
        HeadLoss plain = HeadLoss.of(Head.DISTANCE), weighted = plain.withPixelWeights();
        Tensor ones = Tensor.full(1f, 2, 1, 4, 5);
        assertEquals(plain.compute(p, y).item(),
                weighted.compute(p, dev.nucleon.core.ops.Shaping.concat(1, y, ones)).item(), 1e-5);
        // by hand: per channel, mean over the N·H·W pixels of ω·BCE, plus −mean log Dice
        Tensor omega = Tensor.uniform(7, 0f, 5f, 2, 1, 4, 5);
        float[] pv = p.toArray(), yv = y.toArray(), wv = omega.toArray();
        int plane = 20;
        double expected = 0;
        for (int c = 0; c < 2; c++) {
            double bce = 0;
            for (int n = 0; n < 2; n++) {
                for (int i = 0; i < plane; i++) {
                    double q = pv[(n * 2 + c) * plane + i], t = yv[(n * 2 + c) * plane + i];
                    bce += wv[n * plane + i] * -(t * Math.log(q) + (1 - t) * Math.log(1 - q));
                }
            }
            Tensor pc = p.slice(1, c, c + 1), yc = y.slice(1, c, c + 1);
            double logDice = dev.nucleon.segmentation.loss.SoftDice.perSample(pc, yc, 1f).log().mean().item();
            expected += bce / (2 * plane) - logDice;
        }
        assertEquals(expected, weighted.compute(p, dev.nucleon.core.ops.Shaping.concat(1, y, omega)).item(), 1e-4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> weighted.compute(p, y));
        assertTrue(e.getMessage().contains("target (N, 3, H, W)"), e.getMessage());
    }

    @Test
    void pixelWeightedGradientMatchesCentralDifferences() {
        Tensor y = dev.nucleon.core.ops.Shaping.concat(1, Tensor.uniform(8, 0f, 1f, 1, 2, 3, 3),
                Tensor.uniform(9, 1f, 11f, 1, 1, 3, 3));
        assertGradientMatchesCentralDifferences(HeadLoss.of(Head.DISTANCE).withPixelWeights(), y);
    }
}
