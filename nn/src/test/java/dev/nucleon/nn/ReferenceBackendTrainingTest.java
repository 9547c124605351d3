package dev.nucleon.nn;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.reference.ReferenceBackend;
import dev.nucleon.nn.loss.BinaryCrossEntropyWithLogits;
import dev.nucleon.nn.optim.Adam;
import dev.nucleon.nn.optim.Optimizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A network trains on the reference backend, which implements only {@code Backend}'s eight primitives: every
 * layer of {@link TinySegNet} (convolution, batch norm, max pooling, ELU/ReLU, transposed convolution, concat),
 * the loss, backward and Adam run as composed defaults, and land where the CPU's fast kernels land.
 */
class ReferenceBackendTrainingTest {

    @Test
    void threeAdamStepsOnTheReferenceBackendMatchTheCpu() {
        SyntheticSegmentation data = new SyntheticSegmentation(2, 8, 3);
        TinySegNet cpu = new TinySegNet(1, 4, 0f);
        TinySegNet ref = new TinySegNet(1, 4, 0f);
        ref.loadStateDict(cpu.stateDictCopy(), true);
        ref.to(ReferenceBackend.DEVICE);
        Optimizer a = new Adam(cpu, 0.01);
        Optimizer b = new Adam(ref, 0.01);
        var loss = new BinaryCrossEntropyWithLogits();
        Tensor x = data.images.to(ReferenceBackend.DEVICE);
        Tensor y = data.masks.to(ReferenceBackend.DEVICE);
        float[] losses = new float[6];
        for (int i = 0; i < 3; i++) {
            a.zeroGrad();
            Tensor l = loss.compute(cpu.forward(data.images), data.masks);
            losses[2 * i] = l.item();
            l.backward();
            b.zeroGrad();
            Tensor m = loss.compute(ref.forward(x), y);
            losses[2 * i + 1] = m.item();
            m.backward();
            cpu.namedParameters().forEach((k, p) -> {
                float[] want = p.value().grad().toArray();
                float[] got = ref.namedParameters().get(k).value().grad().toArray();
                double scale = 0;
                for (float v : want) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int j = 0; j < want.length; j++) {
                    // a conv bias ahead of batch norm has a gradient of 0 up to rounding: hence the absolute term
                    assertTrue(Math.abs(want[j] - got[j]) <= 1e-6 + 1e-4 * scale,
                            k + ".grad[" + j + "]: cpu " + want[j] + ", reference " + got[j]);
                }
            });
            a.step();
            b.step();
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(losses[2 * i], losses[2 * i + 1], 1e-5f, "loss at step " + i);
        }
        assertTrue(losses[4] < losses[0], "the loss falls on both: " + losses[0] + " → " + losses[4]);
        ref.stateDict().forEach((k, v) -> assertEquals(ReferenceBackend.DEVICE, v.device(), k));
    }
}
