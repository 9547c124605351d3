package dev.nucleon.nn.layers;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Module#releaseIntermediates}: a Sequential hands back each consumed activation only where nothing can
 * still read it (no gradients, no hook, no observer), never its input or its result, and computes the same.
 */
class ReleaseIntermediatesTest {

    /** Passes its input through a copy and remembers the copy (a layer that keeps what it made, to inspect). */
    private static final class Probe extends Module {
        final List<Tensor> outputs = new ArrayList<>();

        @Override
        protected Tensor compute(Tensor x) {
            Tensor y = x.mul(1f);
            outputs.add(y);
            return y;
        }
    }

    private final Probe first = new Probe();
    private final Probe second = new Probe();
    private final Sequential net = new Sequential(new Identity(), Conv2d.builder(2, 4, 3).padding(1).build(), first,
            new ReLU(), new Identity(), second, Conv2d.builder(4, 2, 3).padding(1).build());
    private final Tensor x = Tensor.uniform(7, -1f, 1f, 1, 2, 64, 64);

    ReleaseIntermediatesTest() {
        net.initialize(3);
        net.eval();
    }

    @Test
    void consumedActivationsAreReleasedAndTheResultIsUnchanged() {
        float[] want = run(() -> net.forward(x)).toArray();
        assertTrue(alive(first) && alive(second), "off by default");

        net.releaseIntermediates(true);
        assertTrue(net.get(1).releasesIntermediates(), "set for the whole tree");
        for (int pass = 0; pass < 3; pass++) { // later passes reuse the released arrays
            Tensor y = run(() -> net.forward(x));
            assertArrayEquals(want, y.toArray(), 0f, "pass " + pass);
            assertFalse(alive(first), "pass " + pass + ": the probe's output was consumed by ReLU and released");
            assertFalse(alive(second), "pass " + pass + ": released after the last conv read it");
            x.toArray(); // the input is the caller's
        }
    }

    @Test
    void nothingIsReleasedWhereSomethingMayStillReadIt() {
        net.releaseIntermediates(true);
        Tensor y = net.forward(x); // gradients recorded: autograd holds the activations
        assertTrue(alive(first) && alive(second), "with gradients on");
        assertEquals(2, y.shape()[1]);

        try (var g = Autograd.noGrad(); var o = Autograd.observe((op, out, in) -> { })) {
            net.forward(x);
        }
        assertTrue(alive(first) && alive(second), "with an op observer installed");

        try (var g = Autograd.noGrad()) {
            Module.withForwardHook((m, in, compute) -> compute.get(), () -> net.forward(x));
        }
        assertTrue(alive(first) && alive(second), "with a forward hook installed");
    }

    @Test
    void aModuleThatReturnsItsInputKeepsTheCallersTensor() {
        Sequential passThrough = new Sequential(new Identity(), new Dropout(0.5f), new Identity());
        passThrough.eval().releaseIntermediates(true);
        Tensor y = run(() -> passThrough.forward(x));
        assertArrayEquals(x.toArray(), y.toArray(), 0f);
    }

    private static Tensor run(Supplier<Tensor> forward) {
        try (var g = Autograd.noGrad()) {
            return forward.get();
        }
    }

    /** Whether the probe's last output can still be read. */
    private static boolean alive(Probe p) {
        Tensor last = p.outputs.get(p.outputs.size() - 1);
        try {
            last.toArray();
            return true;
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage().contains("released"), e.getMessage());
            return false;
        }
    }
}
