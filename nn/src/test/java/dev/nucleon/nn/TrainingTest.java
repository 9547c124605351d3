package dev.nucleon.nn;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.loss.BinaryCrossEntropyWithLogits;
import dev.nucleon.nn.loss.Loss;
import dev.nucleon.nn.optim.Adadelta;
import dev.nucleon.nn.optim.Adam;
import dev.nucleon.nn.optim.AdamW;
import dev.nucleon.nn.optim.Optimizer;
import dev.nucleon.nn.optim.RMSprop;
import dev.nucleon.nn.optim.SGD;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proof that the pieces fit: {@link TinySegNet} (conv, batch norm, pooling, dropout, transposed conv,
 * skip concat) learns a synthetic segmentation task with every optimiser; the loss must fall below half its
 * initial value within the step budget.
 */
class TrainingTest {

    static final int STEPS = 40;

    static Function<Module, Optimizer> optimizer(String name) {
        return switch (name) {
            case "SGD" -> m -> new SGD(m, 0.1).momentum(0.9);
            case "SGD-Nesterov" -> m -> new SGD(m, 0.05).momentum(0.9).nesterov(true).weightDecay(1e-4);
            case "Adam" -> m -> new Adam(m, 0.01);
            case "AdamW" -> m -> new AdamW(m, 0.01);
            case "Adadelta" -> m -> new Adadelta(m); // Keras defaults: lr 1.0, rho 0.95, eps 1e-7
            case "RMSprop" -> m -> new RMSprop(m, 0.005);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"SGD", "SGD-Nesterov", "Adam", "AdamW", "Adadelta", "RMSprop"})
    void lossHalvesOnASyntheticSegmentationTask(String name) {
        Initializers.manualSeed(2024);
        SyntheticSegmentation data = new SyntheticSegmentation(4, 16, 7);
        Module net = new TinySegNet(1, 4, 0.1f);
        Optimizer opt = optimizer(name).apply(net);
        Loss loss = new BinaryCrossEntropyWithLogits();
        float initial = Float.NaN;
        float last = Float.NaN;
        float best = Float.POSITIVE_INFINITY;
        net.train();
        for (int step = 0; step < STEPS; step++) {
            opt.zeroGrad();
            Tensor l = loss.compute(net.forward(data.images), data.masks);
            l.backward();
            opt.step();
            last = l.item();
            if (step == 0) {
                initial = last;
            }
            best = Math.min(best, last);
        }
        net.eval();
        float evalLoss = loss.compute(net.forward(data.images), data.masks).item();
        System.out.printf(Locale.ROOT, "TrainingTest %-13s initial %.4f  after %d steps %.4f (%.0f%%)  eval %.4f%n",
                name, initial, STEPS, last, 100 * last / initial, evalLoss);
        assertTrue(last < 0.5f * initial, name + ": loss " + initial + " → " + last);
        assertTrue(evalLoss < 0.5f * initial, name + ": inference-mode loss " + evalLoss);
    }
}
