package dev.nucleon.core.backend;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link UnaryOp} table against itself: every row's double derivative matches central finite differences of
 * its double reference, and the lists derived from the table (the epilogues) say what the rows say.
 */
class UnaryOpTableTest {

    /** Sample points away from the kinks of relu, abs, clamp, elu, leaky relu (x = 0, the clamp bounds). */
    private static final double[] POINTS = {-2.7, -1.3, -0.61, -0.17, 0.23, 0.55, 0.93, 1.7, 2.9};

    private static double[] parameters(UnaryOp op) {
        return switch (op) {
            case POW -> new double[] {2.5, 0};
            case ADD_SCALAR, MUL_SCALAR -> new double[] {-1.7, 0};
            case CLAMP -> new double[] {-1, 1.5};
            case ELU -> new double[] {0.7, 0};
            case LEAKY_RELU -> new double[] {0.1, 0};
            default -> new double[] {0, 0};
        };
    }

    private static boolean inDomain(UnaryOp op, double x) {
        return switch (op) {
            case LOG, SQRT, POW -> x > 0;
            default -> true;
        };
    }

    @Test
    void everyDerivativeMatchesFiniteDifferencesInDouble() {
        double h = 1e-6;
        for (UnaryOp op : UnaryOp.values()) {
            double[] p = parameters(op);
            for (double x : POINTS) {
                if (!inDomain(op, x)) {
                    continue;
                }
                double numeric = (op.reference(x + h, p[0], p[1]) - op.reference(x - h, p[0], p[1])) / (2 * h);
                double analytic = op.derivative(x, op.reference(x, p[0], p[1]), p[0], p[1]);
                assertEquals(numeric, analytic, 1e-7 * Math.max(1, Math.abs(numeric)),
                        op + " at x = " + x + ": f' from the table vs central difference");
            }
        }
    }

    @Test
    void epiloguesAreTheFusableRows() {
        Set<UnaryOp> fusable = Arrays.stream(UnaryOp.values()).filter(UnaryOp::fusable)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(UnaryOp.class)));
        assertEquals(fusable, Epilogue.ACTIVATIONS);
        assertTrue(fusable.containsAll(EnumSet.of(UnaryOp.RELU, UnaryOp.ELU, UnaryOp.LEAKY_RELU, UnaryOp.SIGMOID,
                UnaryOp.TANH)), fusable.toString());
        for (UnaryOp op : fusable) {
            assertNotNull(op.onnx(), op + " is an activation, so layers of it must be exportable");
        }
    }

    /** GELU's row is the tanh approximation (PyTorch's {@code approximate="tanh"}, ONNX's Gelu): the formula's values in double. */
    @Test
    void geluIsTheTanhApproximation() {
        assertEquals(0.8411919906082768, UnaryOp.GELU.reference(1, 0, 0), 1e-15);
        assertEquals(-0.15880800939172324, UnaryOp.GELU.reference(-1, 0, 0), 1e-15);
        assertEquals(1.954597694087775, UnaryOp.GELU.reference(2, 0, 0), 1e-15);
        assertEquals(0.5, UnaryOp.GELU.derivative(0, 0, 0, 0), 1e-15);
        assertEquals("Gelu", UnaryOp.GELU.onnx().op());
        assertEquals("tanh", UnaryOp.GELU.onnx().attributes().get("approximate"));
        assertEquals(20, UnaryOp.GELU.onnx().sinceOpset());
    }

    @Test
    void epilogueNamesComeFromTheTable() {
        assertEquals("elu(alpha=0.5)", new Epilogue(UnaryOp.ELU, 0.5f).toString());
        assertEquals("leaky_relu(negative_slope=0.1)", new Epilogue(UnaryOp.LEAKY_RELU, 0.1f).toString());
        assertEquals("tanh", new Epilogue(UnaryOp.TANH, 0f).toString());
        assertEquals("none", Epilogue.NONE.toString());
    }
}
