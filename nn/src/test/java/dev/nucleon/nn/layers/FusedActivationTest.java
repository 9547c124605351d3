package dev.nucleon.nn.layers;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.UnaryOp;
import dev.nucleon.nn.Module;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A convolution with a fused activation ({@link Conv2d#fuseActivation}) computes the same as the convolution
 * followed by the activation layer: without gradients (the backend's epilogue) and with them (conv then the
 * activation's own op), where the gradients of input, weight and bias must match too.
 */
class FusedActivationTest {

    private static final List<Epilogue> ACTIVATIONS = List.of(Epilogue.RELU, new Epilogue(UnaryOp.LEAKY_RELU, 0.1f),
            new Epilogue(UnaryOp.ELU, 1.0f), new Epilogue(UnaryOp.SIGMOID, 0f), new Epilogue(UnaryOp.TANH, 0f));

    @Test
    void fusedConvMatchesConvThenActivationWithAndWithoutGradients() {
        for (Epilogue f : ACTIVATIONS) {
            for (boolean transposed : new boolean[] {false, true}) {
                Module plain = transposed ? ConvTranspose2d.builder(3, 4, 3).stride(2).padding(1).outputPadding(1).build()
                        : Conv2d.builder(3, 4, 3).padding(1).build();
                Module fused = transposed ? ConvTranspose2d.builder(3, 4, 3).stride(2).padding(1).outputPadding(1).build()
                        : Conv2d.builder(3, 4, 3).padding(1).build();
                plain.initialize(5);
                fused.initialize(5);
                if (fused instanceof Conv2d c) {
                    c.fuseActivation(f);
                } else {
                    ((ConvTranspose2d) fused).fuseActivation(f);
                }
                String what = (transposed ? "conv_transpose " : "conv ") + f;
                Tensor x = Tensor.uniform(9, -1f, 1f, 2, 3, 10, 12);
                try (var g = Autograd.noGrad()) {
                    assertClose(activate(f, plain.forward(x)).toArray(), fused.forward(x).toArray(), what + ", no grad");
                }
                Tensor xa = x.copy().requiresGrad(true);
                Tensor xb = x.copy().requiresGrad(true);
                Tensor ya = activate(f, plain.forward(xa));
                Tensor yb = fused.forward(xb);
                assertClose(ya.toArray(), yb.toArray(), what + ", recorded");
                ya.sum().backward();
                yb.sum().backward();
                assertClose(xa.grad().toArray(), xb.grad().toArray(), what + ": input gradient");
                for (String p : List.of("weight", "bias")) {
                    assertClose(plain.namedParameters().get(p).grad().toArray(), fused.namedParameters().get(p).grad().toArray(),
                            what + ": " + p + " gradient");
                }
            }
        }
    }

    @Test
    void printsTheFusedActivationAndRejectsNonActivations() {
        Conv2d c = Conv2d.builder(1, 2, 3).padding(1).build();
        c.fuseActivation(new Epilogue(UnaryOp.ELU, 1f));
        assertTrue(c.toString().contains("activation=elu(alpha=1.0)"), c.toString());
        assertEquals(UnaryOp.ELU, c.fusedActivation().op());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Epilogue(UnaryOp.EXP, 0f));
        assertTrue(e.getMessage().contains("EXP is not an activation"), e.getMessage());
    }

    private static Tensor activate(Epilogue f, Tensor y) {
        return dev.nucleon.core.ops.Arithmetic.unary(f.op(), f.p1(), 0f, y);
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 * Math.max(1, Math.abs(want[i])), what + " at " + i);
        }
    }
}
