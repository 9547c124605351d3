package dev.nucleon.nn;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.Dropout;
import dev.nucleon.nn.layers.ReLU;
import dev.nucleon.nn.layers.Sequential;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleTest {

    /** encoder = Sequential(Sequential(conv, bn, relu), block) where block has conv2: names nest with dots. */
    static final class Block extends Module {
        final Conv2d conv2 = registerModule("conv2", new Conv2d(4, 4, 3, 1, 1));

        @Override
        protected Tensor compute(Tensor x) {
            return conv2.forward(x);
        }
    }

    static final class Net extends Module {
        final Sequential encoder = registerModule("encoder",
                new Sequential(new Sequential(new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU()), new Block()));

        @Override
        protected Tensor compute(Tensor x) {
            return encoder.forward(x);
        }
    }

    @Test
    void namesAreHierarchicalInRegistrationOrder() {
        Net net = new Net();
        assertEquals(List.of("encoder.0.0.weight", "encoder.0.0.bias", "encoder.0.1.weight", "encoder.0.1.bias",
                "encoder.1.conv2.weight", "encoder.1.conv2.bias"), List.copyOf(net.namedParameters().keySet()));
        assertEquals(List.of("encoder.0.1.running_mean", "encoder.0.1.running_var"),
                List.copyOf(net.namedBuffers().keySet()));
        assertEquals(List.of("encoder.0.0.weight", "encoder.0.0.bias", "encoder.0.1.weight", "encoder.0.1.bias",
                "encoder.0.1.running_mean", "encoder.0.1.running_var", "encoder.1.conv2.weight", "encoder.1.conv2.bias"),
                List.copyOf(net.stateDict().keySet()));
        assertEquals(List.of("", "encoder", "encoder.0", "encoder.0.0", "encoder.0.1", "encoder.0.2", "encoder.1",
                "encoder.1.conv2"), List.copyOf(net.namedModules().keySet()));
        assertArrayEquals(new int[] {4, 1, 3, 3}, net.namedParameters().get("encoder.0.0.weight").shape());
    }

    @Test
    void kerasParameterCounts() {
        assertEquals(new ParameterCount(448, 0), new Conv2d(3, 16, 3).parameterCount());
        assertEquals(new ParameterCount(32, 32), new BatchNorm2d(16).parameterCount());
        assertEquals(64, new BatchNorm2d(16).parameterCount().total());
        assertEquals(new ParameterCount(432, 0), Conv2d.builder(3, 16, 3).bias(false).build().parameterCount());
        Net net = new Net();
        // conv 1→4: 40, bn: 8 + 8, conv 4→4: 148
        assertEquals(new ParameterCount(40 + 8 + 148, 8), net.parameterCount());
    }

    @Test
    void frozenParametersCountAsNonTrainableAndGetNoGradient() {
        Conv2d conv = new Conv2d(1, 2, 3);
        conv.bias().setTrainable(false);
        assertEquals(new ParameterCount(18, 2), conv.parameterCount());
        conv.forward(Tensor.ones(1, 1, 3, 3)).sum().backward();
        assertNull(conv.bias().grad());
        assertEquals(18, conv.weight().grad().numel());
    }

    @Test
    void sharedModulesAndParametersAreCountedOnce() {
        Conv2d shared = new Conv2d(2, 2, 1);
        Sequential twice = new Sequential(shared, shared);
        assertEquals(6, twice.parameterCount().total());
        assertEquals(List.of("0.weight", "0.bias"), List.copyOf(twice.namedParameters().keySet()));
    }

    @Test
    void badNamesAreRefused() {
        Module m = new Sequential();
        class Holder extends Module {
            Holder() {
                registerModule("a", new ReLU());
            }

            void add(String name) {
                registerModule(name, new ReLU());
            }

            @Override
            protected Tensor compute(Tensor x) {
                return x;
            }
        }
        Holder h = new Holder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> h.add("a")).getMessage().contains("already registered"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> h.add("b.c")).getMessage().contains("no '.'"));
        assertThrows(IllegalArgumentException.class, () -> h.add(""));
        assertTrue(m.children().isEmpty());
    }

    @Test
    void trainAndEvalReachTheWholeTree() {
        Net net = new Net();
        assertTrue(net.isTraining());
        net.eval();
        for (Module m : net.namedModules().values()) {
            assertFalse(m.isTraining(), m.typeName());
        }
        net.train();
        for (Module m : net.namedModules().values()) {
            assertTrue(m.isTraining(), m.typeName());
        }
    }

    @Test
    void trainAndEvalSwitchBatchNormAndDropoutInANetwork() {
        TinySegNet net = new TinySegNet(1, 4, 0.5f);
        Tensor x = new SyntheticSegmentation(2, 8, 1).images;
        Map<String, Tensor> stats = Map.of("mean", net.stateDict().get("enc.1.running_mean").copy());
        float[] train1 = net.forward(x).toArray();
        float[] train2 = net.forward(x).toArray();
        assertFalse(java.util.Arrays.equals(train1, train2), "training: a new dropout mask per call");
        assertFalse(java.util.Arrays.equals(stats.get("mean").toArray(), net.stateDict().get("enc.1.running_mean").toArray()),
                "training: batch norm updates its running mean");
        net.eval();
        Tensor mean = net.stateDict().get("enc.1.running_mean").copy();
        float[] eval1 = net.forward(x).toArray();
        float[] eval2 = net.forward(x).toArray();
        assertArrayEquals(eval1, eval2, 0f, "inference: deterministic");
        assertArrayEquals(mean.toArray(), net.stateDict().get("enc.1.running_mean").toArray(), 0f,
                "inference: running statistics untouched");
        // in inference a single image gives the same answer as inside the batch (no batch statistics)
        float[] first = net.forward(x.slice(0, 0, 1)).toArray();
        assertArrayEquals(java.util.Arrays.copyOf(eval1, first.length), first, 1e-6f);
    }

    @Test
    void loadStateDictCopiesValuesAndRefusesMismatches() {
        Net a = new Net();
        Net b = new Net();
        assertNotEquals(a.stateDict().get("encoder.0.0.weight").toArray()[0], b.stateDict().get("encoder.0.0.weight").toArray()[0]);
        Tensor before = b.namedParameters().get("encoder.0.0.weight").value();
        Module.LoadResult r = b.loadStateDict(a.stateDictCopy(), true);
        assertTrue(r.missing().isEmpty() && r.unexpected().isEmpty());
        assertSame(before, b.namedParameters().get("encoder.0.0.weight").value(), "values are copied in place");
        a.stateDict().forEach((k, v) -> assertArrayEquals(v.toArray(), b.stateDict().get(k).toArray(), 0f, k));

        Map<String, Tensor> wrong = a.stateDictCopy();
        wrong.put("encoder.1.conv2.bias", Tensor.zeros(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(wrong, true));
        assertTrue(e.getMessage().contains("'encoder.1.conv2.bias' has shape [5]") && e.getMessage().contains("[4]"),
                e.getMessage());

        Map<String, Tensor> partial = a.stateDictCopy();
        partial.remove("encoder.0.1.running_var");
        partial.put("extra", Tensor.zeros(1));
        e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(partial, true));
        assertTrue(e.getMessage().contains("missing [encoder.0.1.running_var]") && e.getMessage().contains("unexpected [extra]"),
                e.getMessage());
        r = b.loadStateDict(partial, false);
        assertEquals(List.of("encoder.0.1.running_var"), r.missing());
        assertEquals(List.of("extra"), r.unexpected());
    }

    @Test
    void initializeDependsOnlyOnSeedAndNames() {
        Initializers.manualSeed(1);
        Net a = new Net();
        Initializers.manualSeed(2);
        new Conv2d(3, 3, 3); // shifts the construction-order seeds
        Net b = new Net();
        assertNotEquals(a.stateDict().get("encoder.1.conv2.weight").toArray()[0],
                b.stateDict().get("encoder.1.conv2.weight").toArray()[0]);
        a.initialize(42);
        b.initialize(42);
        a.stateDict().forEach((k, v) -> assertArrayEquals(v.toArray(), b.stateDict().get(k).toArray(), 0f, k));
        // biases are zeros and batch-norm gamma ones (Keras defaults), buffers reset
        assertArrayEquals(new float[4], a.stateDict().get("encoder.1.conv2.bias").toArray());
        assertArrayEquals(new float[] {1, 1, 1, 1}, a.stateDict().get("encoder.0.1.weight").toArray());
        assertArrayEquals(new float[] {1, 1, 1, 1}, a.stateDict().get("encoder.0.1.running_var").toArray());
    }

    @Test
    void manualSeedMakesConstructionReproducible() {
        Initializers.manualSeed(7);
        Net a = new Net();
        Dropout da = new Dropout(0.5f);
        Initializers.manualSeed(7);
        Net b = new Net();
        Dropout db = new Dropout(0.5f);
        a.stateDict().forEach((k, v) -> assertArrayEquals(v.toArray(), b.stateDict().get(k).toArray(), 0f, k));
        Tensor x = Tensor.ones(1, 1, 8, 8);
        assertArrayEquals(da.forward(x).toArray(), db.forward(x).toArray(), 0f);
    }

    @Test
    void toStringShowsTheTree() {
        String s = new Net().toString();
        assertTrue(s.startsWith("Net(\n  (encoder): Sequential("), s);
        assertTrue(s.contains("(conv2): Conv2d(4, 4, kernel=3, stride=1, padding=1)"), s);
        assertTrue(s.contains("(1): BatchNorm2d(4, eps=0.001, momentum=0.01)"), s);
    }
}
