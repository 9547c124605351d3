package dev.nucleon.core.backend;

/**
 * Elementwise functions of two broadcast operands {@code out = f(a, b)}. The loss entries treat {@code a}
 * as the prediction and {@code b} as the target; their {@code _GRAD} twins give ∂f/∂a.
 */
public enum BinaryOp {
    /** a + b. */
    ADD,
    /** a − b. */
    SUB,
    /** a · b. */
    MUL,
    /** a / b (IEEE: ±∞ or NaN for b = 0). */
    DIV,
    /** max(a, b). */
    MAX,
    /** min(a, b). */
    MIN,
    /** 1 where a == b, else 0. */
    EQ,
    /** 1 where a &gt; b, else 0. */
    GT,
    /** Binary cross-entropy on a probability: −[b·ln p + (1−b)·ln(1−p)], p = clamp(a, ε, 1−ε), ε = 1e-7. */
    BCE,
    /** ∂BCE/∂a = (p − b) / (p(1 − p)) inside the clamp, 0 outside. */
    BCE_GRAD,
    /** Binary cross-entropy on a logit, stable form: max(a, 0) − a·b + ln(1 + e^−|a|). */
    BCE_LOGITS,
    /** ∂BCE_LOGITS/∂a = σ(a) − b. */
    BCE_LOGITS_GRAD;

    /** The clamp of {@link #BCE}, as in Keras. */
    public static final float BCE_EPSILON = 1e-7f;
}
