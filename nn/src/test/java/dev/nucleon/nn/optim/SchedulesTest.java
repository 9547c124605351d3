package dev.nucleon.nn.optim;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Parameter;
import dev.nucleon.nn.layers.Conv2d;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulesTest {

    private static Optimizer optimizer(double lr) {
        return new SGD(Map.of("w", new Parameter(Tensor.of(0f))), lr);
    }

    @Test
    void stepLR() {
        Optimizer opt = optimizer(0.1);
        StepLR s = new StepLR(opt, 2, 0.5);
        List<Double> lrs = new ArrayList<>();
        for (int e = 0; e < 5; e++) {
            lrs.add(s.step());
        }
        assertEquals(List.of(0.1, 0.05, 0.05, 0.025, 0.025), lrs);
        assertEquals(0.025, opt.learningRate());
        s.setEpoch(0);
        assertEquals(0.1, opt.learningRate());
    }

    @Test
    void cosineAnnealing() {
        Optimizer opt = optimizer(1.0);
        CosineAnnealingLR s = new CosineAnnealingLR(opt, 4, 0.0);
        assertEquals(1.0, s.learningRateAt(0), 1e-12);
        assertEquals((1 + Math.cos(Math.PI / 4)) / 2, s.step(), 1e-12);
        assertEquals(0.5, s.step(), 1e-12);
        s.step();
        assertEquals(0.0, s.step(), 1e-12);
        assertEquals(0.0, s.step(), 1e-12, "stays at the minimum after tMax");
    }

    /** Paper 003's recipe: ×0.1 after 5 epochs without improvement. */
    @Test
    void reduceOnPlateauAfterPatienceEpochs() {
        Optimizer opt = optimizer(1e-3);
        ReduceLROnPlateau plateau = new ReduceLROnPlateau(opt).factor(0.1).patience(5);
        double[] losses = {1.0, 0.8, 0.7, 0.7, 0.71, 0.7, 0.72, 0.7, 0.69995, 0.6};
        List<Integer> reducedAt = new ArrayList<>();
        for (int e = 0; e < losses.length; e++) {
            if (plateau.step(losses[e])) {
                reducedAt.add(e);
            }
        }
        // best 0.7 at epoch 2; epochs 3..7 do not beat it by more than 1e-4 → reduce at epoch 7 (5th bad one);
        // 0.69995 is within minDelta so epoch 8 is bad again (1); 0.6 improves
        assertEquals(List.of(7), reducedAt);
        assertEquals(1e-4, opt.learningRate(), 1e-15);
        assertEquals(0.6, plateau.best());
        assertEquals(0, plateau.badEpochs());
    }

    @Test
    void reduceOnPlateauCooldownMinLrAndMaxMode() {
        Optimizer opt = optimizer(1.0);
        ReduceLROnPlateau p = new ReduceLROnPlateau(opt).mode(Mode.MAX).factor(0.5).patience(1).cooldown(2).minLr(0.2);
        List<Double> lrs = new ArrayList<>();
        for (double acc : new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}) {
            p.step(acc);
            lrs.add(opt.learningRate());
        }
        // epoch 1: bad → 0.5, cooldown 2; epoch 2: cooling (1 left); epoch 3: cooldown ends this epoch, bad → 0.25;
        // epoch 5: → max(0.125, 0.2) = 0.2; then at minLr, no more changes
        assertEquals(List.of(1.0, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2), lrs);
        assertEquals(3, p.reductions());
        ReduceLROnPlateau rel = new ReduceLROnPlateau(optimizer(1.0)).patience(1)
                .minDelta(0.1, ReduceLROnPlateau.ThresholdMode.REL);
        rel.step(10);
        rel.step(9.5);
        assertEquals(10, rel.best(), "9.5 is not 10% below 10");
        Map<String, String> state = p.state();
        ReduceLROnPlateau restored = new ReduceLROnPlateau(opt);
        restored.loadState(state);
        assertEquals(state, restored.state());
    }

    @Test
    void earlyStoppingWithPatienceAndRestoredWeights() {
        Conv2d model = new Conv2d(1, 1, 1);
        EarlyStopping stop = new EarlyStopping().patience(2).minDelta(0.01).restoreBestWeights(true);
        double[] val = {1.0, 0.5, 0.495, 0.6};
        float[] bestWeights = null;
        int stoppedAt = -1;
        for (int e = 0; e < val.length; e++) {
            model.weight().assign(Tensor.full(e, 1, 1, 1, 1)); // "training" changes the weights every epoch
            if (e == 1) {
                bestWeights = model.weight().value().toArray();
            }
            if (stop.update(val[e], model)) {
                stoppedAt = e;
                break;
            }
        }
        // 0.495 is not better than 0.5 by more than 0.01: epochs 2 and 3 are bad → stop at 3, back to epoch 1's weights
        assertEquals(3, stoppedAt);
        assertTrue(stop.stopped());
        assertEquals(1, stop.bestEpoch());
        assertEquals(0.5, stop.best());
        assertArrayEquals(bestWeights, model.weight().value().toArray(), 0f);
    }

    @Test
    void earlyStoppingMaxModeNeverStopsWhileImproving() {
        EarlyStopping stop = new EarlyStopping().mode(Mode.MAX).patience(0);
        Conv2d model = new Conv2d(1, 1, 1);
        assertFalse(stop.update(0.1, model));
        assertFalse(stop.update(0.2, model));
        assertTrue(stop.update(0.2, model), "patience 0: the first epoch without improvement stops");
        assertFalse(stop.restoreBest(model), "no snapshot without restoreBestWeights");
    }
}
