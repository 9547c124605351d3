package dev.nucleon.nn.layers;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.ForwardHooks;
import dev.nucleon.nn.InferencePlan;
import dev.nucleon.nn.Module;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link InferencePlan}: without gradients a planned forward hands back each activation once its last reader has
 * run (not later: a layer further on finds it gone), including the sums a module computes in its own code; it
 * computes bit for bit what the unplanned forward computes; and it releases nothing where something may still
 * read the activations (gradients, a hook, an op observer), nor the caller's input.
 */
class InferencePlanTest {

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

    /** The identity, noting whether {@code watched}'s last output was still readable when it ran. */
    private static final class Witness extends Module {
        final Probe watched;
        final List<Boolean> sawAlive = new ArrayList<>();

        Witness(Probe watched) {
            this.watched = watched;
        }

        @Override
        protected Tensor compute(Tensor x) {
            sawAlive.add(alive(watched));
            return x;
        }
    }

    private final Probe first = new Probe();
    private final Probe second = new Probe();
    private final Witness witness = new Witness(first);
    private final Sequential net = new Sequential(new Identity(), Conv2d.builder(2, 4, 3).padding(1).build(), first,
            new ReLU(), new Identity(), witness, second, Conv2d.builder(4, 2, 3).padding(1).build());
    private final Tensor x = Tensor.uniform(7, -1f, 1f, 1, 2, 64, 64);

    InferencePlanTest() {
        net.initialize(3);
        net.eval();
    }

    @Test
    void consumedActivationsAreReleasedRightAfterTheirLastReaderAndTheResultIsBitIdentical() {
        float[] want = run(() -> net.forward(x)).toArray();
        assertTrue(alive(first) && alive(second), "no plan attached: nothing released");
        assertEquals(List.of(true), witness.sawAlive);

        InferencePlan plan = InferencePlan.attach(net);
        assertSame(plan, InferencePlan.of(net));
        assertEquals(-1, plan.releasesPerPass(), "traced on the first pass");
        for (int pass = 0; pass < 3; pass++) { // later passes reuse the released arrays
            Tensor y = run(() -> net.forward(x));
            assertArrayEquals(want, y.toArray(), 0f, "pass " + pass);
            assertFalse(witness.sawAlive.get(witness.sawAlive.size() - 1),
                    "pass " + pass + ": the probe's output was released as soon as ReLU, its last reader, had run");
            assertFalse(alive(first), "pass " + pass);
            assertFalse(alive(second), "pass " + pass + ": released after the last conv read it");
            x.toArray(); // the input is the caller's
        }
        assertTrue(plan.releasesPerPass() >= 3, "conv, probe, ReLU and probe outputs: " + plan.releasesPerPass());

        InferencePlan.detach(net);
        assertNull(InferencePlan.of(net));
        run(() -> net.forward(x));
        assertTrue(alive(first) && alive(second), "detached");
    }

    @Test
    void nothingIsReleasedWhereSomethingMayStillReadIt() {
        InferencePlan.attach(net);
        Tensor y = net.forward(x); // gradients recorded: autograd holds the activations
        assertTrue(alive(first) && alive(second), "with gradients on");
        assertEquals(2, y.shape()[1]);

        try (var g = Autograd.noGrad(); var o = Autograd.observe((op, out, in) -> { })) {
            net.forward(x);
        }
        assertTrue(alive(first) && alive(second), "with an op observer installed");

        try (var g = Autograd.noGrad()) {
            ForwardHooks.with((m, in, compute) -> compute.get(), () -> net.forward(x));
        }
        assertTrue(alive(first) && alive(second), "with a forward hook installed");
    }

    @Test
    void aModuleThatReturnsItsInputKeepsTheCallersTensor() {
        Sequential passThrough = new Sequential(new Identity(), new Dropout(0.5f), new Identity());
        passThrough.eval();
        InferencePlan.attach(passThrough);
        for (int pass = 0; pass < 2; pass++) {
            Tensor y = run(() -> passThrough.forward(x));
            assertArrayEquals(x.toArray(), y.toArray(), 0f);
        }
    }

    @Test
    void whatAModuleComputesInItsOwnCodeIsReleasedToo() {
        // y = ReLU(body(x) + x): body's output is read by the addition in Residual's own code, the sum by ReLU
        Probe body = new Probe();
        Probe after = new Probe();
        Sequential block = new Sequential(Conv2d.builder(2, 2, 3).padding(1).build(),
                new Residual(new Sequential(Conv2d.builder(2, 2, 3).padding(1).build(), body), new Identity(),
                        new ReLU()), after);
        block.initialize(5).eval();
        float[] want = run(() -> block.forward(x)).toArray();
        InferencePlan.attach(block);
        for (int pass = 0; pass < 2; pass++) {
            assertArrayEquals(want, run(() -> block.forward(x)).toArray(), 0f, "pass " + pass);
            assertFalse(alive(body), "pass " + pass + ": body(x) released after the addition read it");
            assertTrue(alive(after), "the result is the caller's");
        }
    }

    @Test
    void aFirstCallThatFailsLeavesThePlanOn() {
        InferencePlan plan = InferencePlan.attach(net);
        Tensor threeChannels = Tensor.zeros(1, 3, 8, 8); // the first convolution takes 2
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(() -> net.forward(threeChannels)));
        assertTrue(e.getMessage().contains("channels"), e.getMessage());
        run(() -> net.forward(x));
        assertFalse(alive(first), "traced and released on the first good call");
        assertTrue(plan.releasesPerPass() > 0);
    }

    @Test
    void aPassThatGoesAnotherWayThanTheTraceSwitchesThePlanOff() {
        // calls `extra` only on inputs wider than 8: the trace (on a small input) does not see it
        Module extra = new ReLU();
        Module sizeDependent = new Module() {
            {
                registerModule("a", new ReLU());
                registerModule("extra", extra);
                registerModule("b", new ReLU());
            }

            @Override
            protected Tensor compute(Tensor in) {
                Tensor y = child("a").forward(in);
                if (in.shape()[3] > 8) {
                    y = extra.forward(y);
                }
                return child("b").forward(y);
            }
        };
        sizeDependent.eval();
        float[] want = run(() -> sizeDependent.forward(x)).toArray();
        InferencePlan plan = InferencePlan.attach(sizeDependent);
        for (int pass = 0; pass < 2; pass++) {
            assertArrayEquals(want, run(() -> sizeDependent.forward(x)).toArray(), 0f, "pass " + pass);
        }
        assertEquals(0, plan.releasesPerPass(), "off after the first pass differed from the trace");
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
