package dev.nucleon.nn.loss;

import dev.nucleon.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LossesTest {

    @Test
    void binaryCrossEntropyOnProbabilities() {
        Tensor p = Tensor.of(new float[] {0.9f, 0.2f}, 1, 1, 1, 2).requiresGrad(true);
        Tensor t = Tensor.of(new float[] {1f, 0f}, 1, 1, 1, 2);
        Tensor loss = new BinaryCrossEntropy().compute(p, t);
        assertEquals(0, loss.rank());
        assertEquals(-(Math.log(0.9) + Math.log(0.8)) / 2, loss.item(), 1e-6);
        loss.backward();
        // ∂/∂p = (p − t) / (p(1 − p)) / count
        assertArrayEquals(new float[] {(float) (-0.1 / 0.09 / 2), (float) (0.2 / 0.16 / 2)},
                p.grad().toArray(), 1e-5f);
    }

    @Test
    void withLogitsMatchesSigmoidThenBce() {
        float[] logits = {-3f, 0.5f, 2f, 40f};
        float[] targets = {0f, 1f, 1f, 0f};
        Tensor x = Tensor.of(logits).requiresGrad(true);
        Tensor loss = new BinaryCrossEntropyWithLogits().compute(x, Tensor.of(targets));
        double expected = 0;
        for (int i = 0; i < 4; i++) {
            double z = logits[i];
            expected += Math.max(z, 0) - z * targets[i] + Math.log1p(Math.exp(-Math.abs(z)));
        }
        assertEquals(expected / 4, loss.item(), 1e-5, "stable even for a logit of 40");
        loss.backward();
        for (int i = 0; i < 4; i++) {
            double s = 1 / (1 + Math.exp(-logits[i]));
            assertEquals((s - targets[i]) / 4, x.grad().toArray()[i], 1e-6);
        }
    }

    @Test
    void crossEntropyPerPixel() {
        // (N=1, K=3, H=1, W=2) scores, targets (1, 1, 2)
        Tensor x = Tensor.of(new float[] {1, 0, 2, 0, 3, 0}, 1, 3, 1, 2);
        Tensor t = Tensor.of(new float[] {1, 0}, 1, 1, 2);
        double p0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 2;
        double p1 = Math.log(3) - 0;
        assertEquals((p0 + p1) / 2, new CrossEntropy().compute(x, t).item(), 1e-5);
    }

    @Test
    void meanSquaredErrorAndComposition() {
        Tensor a = Tensor.of(1f, 2f, 4f);
        Tensor b = Tensor.of(1f, 0f, 1f);
        assertEquals((0 + 4 + 9) / 3f, new MeanSquaredError().compute(a, b).item(), 1e-6);
        Loss combined = new MeanSquaredError().plus(new MeanSquaredError().times(0.5f));
        assertEquals(1.5f * 13 / 3f, combined.compute(a, b).item(), 1e-5);
    }
}
