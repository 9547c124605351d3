package dev.nucleon.core.composed;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.UnaryOp;

import static dev.nucleon.core.backend.BinaryOp.ADD;
import static dev.nucleon.core.backend.BinaryOp.DIV;
import static dev.nucleon.core.backend.BinaryOp.EQ;
import static dev.nucleon.core.backend.BinaryOp.GT;
import static dev.nucleon.core.backend.BinaryOp.MUL;
import static dev.nucleon.core.backend.BinaryOp.SUB;

/**
 * The derivatives of the {@link UnaryOp}s, {@code gx = gy · f'(x)}, each written with unary and binary
 * primitives. A comparison ({@code GT}, {@code EQ}) gives a 0/1 mask; {@code 1 − mask} is its complement.
 */
public final class ComposedElementwise {

    private ComposedElementwise() {
    }

    /**
     * gx = gy · f'(x), with y = f(x) where the derivative is cheaper from it.
     *
     * @param b  the backend whose primitives run the composition (and own every storage)
     * @param op the forward function
     * @param p1 the op's first scalar parameter
     * @param p2 the op's second scalar parameter
     * @param x  the forward input
     * @param y  the forward output
     * @param gy ∂L/∂y
     * @param gx ∂L/∂x, x's size, written
     */
    public static void unaryBackward(Backend b, UnaryOp op, float p1, float p2, Storage x, Storage y, Storage gy, Storage gx) {
        if (x.size() == 0) {
            return;
        }
        try (Temporaries t = new Temporaries(b)) {
            Storage zero = t.scalar(0f);
            Storage derivative = switch (op) {
                case NEG -> t.scalar(-1f);                                                   // −1
                case EXP -> y;                                                               // eˣ = y
                case LOG -> t.binary(DIV, t.scalar(1f), new int[] {1}, x, shape(x), shape(x)); // 1/x
                case SQRT -> t.binary(DIV, t.scalar(0.5f), new int[] {1}, y, shape(y), shape(y)); // 1/(2√x) = 0.5/y
                case ABS -> t.binary(SUB, t.binary(GT, x, zero), t.binary(GT, t.unary(UnaryOp.NEG, 0f, x), zero)); // sign x
                case POW -> t.unary(UnaryOp.MUL_SCALAR, p1, powOrOne(t, x, p1 - 1));      // p·x^(p−1)
                case ADD_SCALAR -> t.scalar(1f);                                             // 1
                case MUL_SCALAR -> t.scalar(p1);                                             // p
                case CLAMP -> t.binary(EQ, t.clamp(x, p1, p2), x);                           // 1 where p1 ≤ x ≤ p2
                case RELU -> t.binary(GT, x, zero);                                          // 1 where x > 0
                case ELU -> where(t, t.binary(GT, x, zero), t.unary(UnaryOp.ADD_SCALAR, p1, y)); // 1, or y + α
                case LEAKY_RELU -> where(t, t.binary(GT, x, zero), t.scalar(p1));           // 1, or slope
                case SIGMOID -> t.binary(MUL, y, oneMinus(t, y));                            // y(1 − y)
                case TANH -> oneMinus(t, t.binary(MUL, y, y));                               // 1 − y²
                default -> onHost(t, b, op, p1, p2, x, y);  // a row without a composition: its double f′, on the host
            };
            int n = Math.toIntExact(gy.size());
            b.binary(MUL, gy, new int[] {n}, derivative, new int[] {Math.toIntExact(derivative.size())}, gx, new int[] {n});
        }
    }

    /** f′(x) from the {@link UnaryOp} table's double derivative: x and y downloaded, f′ uploaded (slow, exact). */
    private static Storage onHost(Temporaries t, Backend b, UnaryOp op, float p1, float p2, Storage x, Storage y) {
        int n = Math.toIntExact(x.size());
        float[] xs = new float[n];
        float[] ys = new float[n];
        b.download(x, 0, xs, 0, n);
        b.download(y, 0, ys, 0, n);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) op.derivative(xs[i], ys[i], p1, p2);
        }
        return t.upload(d);
    }

    private static int[] shape(Storage s) {
        return new int[] {Math.toIntExact(s.size())};
    }

    /** x^e, or 1 when e = 0 (so that 0⁰ and the derivative of x¹ are 1). */
    private static Storage powOrOne(Temporaries t, Storage x, float e) {
        return e == 0f ? t.scalar(1f) : t.unary(UnaryOp.POW, e, x);
    }

    /** 1 − v. */
    private static Storage oneMinus(Temporaries t, Storage v) {
        return t.unary(UnaryOp.ADD_SCALAR, 1f, t.unary(UnaryOp.NEG, 0f, v));
    }

    /** mask·1 + (1 − mask)·otherwise: 1 where mask is 1, {@code otherwise} (same size, or one float) elsewhere. */
    private static Storage where(Temporaries t, Storage mask, Storage otherwise) {
        Storage rest = t.binary(MUL, oneMinus(t, mask), otherwise);
        return t.binary(ADD, mask, rest);
    }
}
