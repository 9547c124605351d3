package dev.nucleon.core.composed;

import dev.nucleon.core.backend.AdamStep;
import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.SgdStep;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.UnaryOp;

import static dev.nucleon.core.backend.BinaryOp.ADD;
import static dev.nucleon.core.backend.BinaryOp.DIV;
import static dev.nucleon.core.backend.BinaryOp.MUL;
import static dev.nucleon.core.backend.BinaryOp.SUB;

/**
 * Adam and SGD as the sequence of elementwise ops that {@link Backend#adamUpdate} and {@link Backend#sgdUpdate}
 * spell out, one rounding per op, results copied back in place.
 */
public final class ComposedOptimizers {

    private ComposedOptimizers() {
    }

    /**
     * θ ← θ·decay; g ← g + θ·l2; m ← m·β₁ + g·(1−β₁); v ← v·β₂ + g²·(1−β₂); θ ← θ − (m·c₁ / (√(v·c₂) + ε))·lr.
     *
     * @param b     the backend whose primitives run the composition (and own every storage)
     * @param theta θ, updated in place
     * @param grad  the gradient g, read only
     * @param m     the first moment, updated in place
     * @param v     the second moment, updated in place
     * @param s     this step's coefficients
     */
    public static void adam(Backend b, Storage theta, Storage grad, Storage m, Storage v, AdamStep s) {
        try (Temporaries t = new Temporaries(b)) {
            Storage th = t.unary(UnaryOp.MUL_SCALAR, s.decay(), theta);
            Storage g = s.l2() != 0f ? t.binary(ADD, grad, t.unary(UnaryOp.MUL_SCALAR, s.l2(), th)) : grad;
            Storage mi = t.binary(ADD, t.unary(UnaryOp.MUL_SCALAR, s.beta1(), m), t.unary(UnaryOp.MUL_SCALAR, s.oneMinusBeta1(), g));
            Storage vi = t.binary(ADD, t.unary(UnaryOp.MUL_SCALAR, s.beta2(), v),
                    t.unary(UnaryOp.MUL_SCALAR, s.oneMinusBeta2(), t.binary(MUL, g, g)));
            Storage mHat = t.unary(UnaryOp.MUL_SCALAR, s.correction1(), mi);
            Storage denominator = t.unary(UnaryOp.ADD_SCALAR, s.eps(),
                    t.unary(UnaryOp.SQRT, 0f, t.unary(UnaryOp.MUL_SCALAR, s.correction2(), vi)));
            Storage step = t.unary(UnaryOp.MUL_SCALAR, s.lr(), t.binary(DIV, mHat, denominator));
            b.copy(mi, m);
            b.copy(vi, v);
            b.binary(SUB, th, shape(theta), step, shape(theta), theta, shape(theta));
        }
    }

    /**
     * g ← g + θ·wd; b ← g (first step) or b·μ + g·(1−dampening); d ← g + b·μ (Nesterov) or b; θ ← θ − d·lr.
     *
     * @param b      the backend whose primitives run the composition (and own every storage)
     * @param theta  θ, updated in place
     * @param grad   the gradient g, read only
     * @param buffer the momentum buffer (the formula's b), updated in place; may be null without momentum
     * @param s      this step's coefficients
     */
    public static void sgd(Backend b, Storage theta, Storage grad, Storage buffer, SgdStep s) {
        try (Temporaries t = new Temporaries(b)) {
            Storage g = s.weightDecay() != 0f ? t.binary(ADD, grad, t.unary(UnaryOp.MUL_SCALAR, s.weightDecay(), theta)) : grad;
            Storage d = g;
            if (s.momentum() != 0f) {
                Storage next = s.firstStep() ? g : t.binary(ADD, t.unary(UnaryOp.MUL_SCALAR, s.momentum(), buffer),
                        t.unary(UnaryOp.MUL_SCALAR, s.oneMinusDampening(), g));
                b.copy(next, buffer);
                d = s.nesterov() ? t.binary(ADD, g, t.unary(UnaryOp.MUL_SCALAR, s.momentum(), next)) : next;
            }
            Storage step = t.unary(UnaryOp.MUL_SCALAR, s.lr(), d);
            Storage updated = t.binary(SUB, theta, step);
            b.copy(updated, theta);
        }
    }

    private static int[] shape(Storage s) {
        return new int[] {Math.toIntExact(s.size())};
    }
}
