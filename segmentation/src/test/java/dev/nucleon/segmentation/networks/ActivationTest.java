package dev.nucleon.segmentation.networks;

import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.layers.ElementwiseActivation;
import dev.nucleon.nn.layers.Identity;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configurations' activation choices are rows of core's UnaryOp table, and their layers compute those rows. */
class ActivationTest {

    @Test
    void everyChoiceIsAnActivationOfTheTable() {
        for (Activation a : Activation.values()) {
            Module layer = a.create();
            if (a == Activation.NONE) {
                assertNull(a.op());
                assertInstanceOf(Identity.class, layer);
                continue;
            }
            assertTrue(Epilogue.ACTIVATIONS.contains(a.op()), a + " is not a fusable row of UnaryOp");
            assertEquals(new Epilogue(a.op(), a.p1()), assertInstanceOf(ElementwiseActivation.class, layer).epilogue(),
                    a + ": the layer computes another row");
            assertEquals(a, Activation.parse(" " + a.toString().toUpperCase() + " "));
        }
    }

    @Test
    void parseNamesTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activation.parse("swish"));
        assertTrue(e.getMessage().contains("relu, elu, sigmoid, none"), e.getMessage());
    }
}
