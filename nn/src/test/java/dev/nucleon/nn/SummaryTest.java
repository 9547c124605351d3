package dev.nucleon.nn;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.ReLU;
import dev.nucleon.nn.layers.Sequential;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SummaryTest {

    @Test
    void kerasStyleTableWithShapesAndTotals() {
        TinySegNet net = new TinySegNet(1, 4, 0.1f);
        String s = net.summary(2, 1, 16, 16);
        String expected = String.join("\n",
                "Model: \"TinySegNet\"",
                "_____________________________________________________",
                " Layer (type)            Output Shape         Param #",
                "=====================================================",
                " enc.0 (Conv2d)          (None, 4, 16, 16)    40",
                " enc.1 (BatchNorm2d)     (None, 4, 16, 16)    16",
                " enc.2 (ReLU)            (None, 4, 16, 16)    0",
                " down (MaxPool2d)        (None, 4, 8, 8)      0",
                " mid.0 (Conv2d)          (None, 8, 8, 8)      296",
                " mid.1 (ELU)             (None, 8, 8, 8)      0",
                " mid.2 (Dropout)         (None, 8, 8, 8)      0",
                " up (ConvTranspose2d)    (None, 4, 16, 16)    132",
                " dec.0 (Conv2d)          (None, 4, 16, 16)    292",
                " dec.1 (ReLU)            (None, 4, 16, 16)    0",
                " head (Conv2d)           (None, 1, 16, 16)    5",
                "=====================================================",
                "Total params: 781",
                "Trainable params: 773",
                "Non-trainable params: 8",
                "_____________________________________________________",
                "");
        assertEquals(expected, s, s);
        assertEquals(new ParameterCount(773, 8), net.parameterCount());
    }

    @Test
    void summaryLeavesModeStateAndGradientsAlone() {
        TinySegNet net = new TinySegNet(1, 4, 0.5f);
        Map<String, Tensor> before = net.stateDictCopy();
        net.summary(2, 1, 8, 8);
        assertTrue(net.isTraining());
        net.namedModules().values().forEach(m -> assertTrue(m.isTraining()));
        before.forEach((k, v) -> assertArrayEquals(v.toArray(), net.stateDict().get(k).toArray(), 0f, k));
        net.parameters().forEach(p -> assertNull(p.grad()));
        net.eval();
        net.summary(1, 1, 8, 8);
        assertTrue(!net.isTraining());
    }

    @Test
    void thousandsSeparatorsAndUnreachedLayers() {
        assertEquals("31,055,297", ParameterCount.withSeparators(31_055_297));
        assertEquals("Total params: 31,055,297\nTrainable params: 31,043,521\nNon-trainable params: 11,776",
                new ParameterCount(31_043_521, 11_776).toString());
        Sequential net = new Sequential(new Conv2d(64, 64, 3), new BatchNorm2d(64), new ReLU());
        String s = net.summary();
        assertTrue(s.contains(" 0 (Conv2d)") && s.contains("36,928"), s);
        assertTrue(s.contains(" 1 (BatchNorm2d)") && s.contains(" -  "), s);
        assertTrue(s.contains("Total params: 37,184\nTrainable params: 37,056\nNon-trainable params: 128\n"), s);
    }
}
