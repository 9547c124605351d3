package dev.nucleon.core.backend;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An elementwise activation that a convolution applies to its output as it writes it: {@code y = f(conv(x) + b)}
 * in one pass over y instead of two (the output tile is still in cache when f runs). {@link #NONE} is the identity.
 *
 * <p>Only activations qualify ({@link #ACTIVATIONS}): functions of one element whose derivative the
 * unfused path computes from x or y, so a fused layer trains exactly like {@code conv} followed by the activation
 * layer (under autograd the ops compose the two instead of fusing; see {@code Convolution}).
 *
 * @param op the activation, or null for none
 * @param p1 its first parameter (ELU's alpha, leaky ReLU's negative slope; ignored by the others)
 */
public record Epilogue(UnaryOp op, float p1) {

    /** The unary ops an epilogue may apply: the rows of {@link UnaryOp} marked {@link UnaryOp#fusable()}. */
    public static final Set<UnaryOp> ACTIVATIONS = Arrays.stream(UnaryOp.values()).filter(UnaryOp::fusable)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(UnaryOp.class)));

    /** No activation: the output is the convolution (plus bias). */
    public static final Epilogue NONE = new Epilogue(null, 0f);

    /** y = max(conv + b, 0). */
    public static final Epilogue RELU = new Epilogue(UnaryOp.RELU, 0f);

    /**
     * Checks the op.
     *
     * @param op the activation, or null for none
     * @param p1 its first parameter (ELU's alpha, leaky ReLU's negative slope; ignored by the others)
     * @throws IllegalArgumentException when {@code op} is not null and not one of {@link #ACTIVATIONS}
     */
    public Epilogue {
        if (op != null && !ACTIVATIONS.contains(op)) {
            throw new IllegalArgumentException("Epilogue: " + op + " is not an activation (allowed: " + ACTIVATIONS + ")");
        }
    }

    /** {@return whether this is the identity ({@link #NONE}): no activation to apply} */
    public boolean isNone() {
        return op == null;
    }

    /** {@code relu}, {@code elu(alpha=1.0)}, … ({@code none} for {@link #NONE}): how layers print it. */
    @Override
    public String toString() {
        if (op == null) {
            return "none";
        }
        return op.parameterName() == null ? op.label() : op.label() + "(" + op.parameterName() + "=" + p1 + ")";
    }
}
