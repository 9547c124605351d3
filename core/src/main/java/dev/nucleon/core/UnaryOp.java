package dev.nucleon.core;

/**
 * Elementwise functions {@code y = f(x; p1, p2)} that every backend implements, with their derivatives.
 * {@code p1}/{@code p2} are the op's scalar parameters (unused ones are ignored).
 */
public enum UnaryOp {
    /** y = −x. */
    NEG,
    /** y = eˣ. */
    EXP,
    /** y = ln x. */
    LOG,
    /** y = √x. */
    SQRT,
    /** y = |x|; dy/dx = sign(x), 0 at 0. */
    ABS,
    /** y = x^p1. */
    POW,
    /** y = x + p1. */
    ADD_SCALAR,
    /** y = x · p1. */
    MUL_SCALAR,
    /** y = min(max(x, p1), p2); the gradient passes where p1 ≤ x ≤ p2 (bounds included, as in PyTorch). */
    CLAMP,
    /** y = max(x, 0); dy/dx = 1 for x &gt; 0, else 0. */
    RELU,
    /** y = x for x &gt; 0, p1·(eˣ − 1) otherwise (p1 = alpha). */
    ELU,
    /** y = x for x &gt; 0, p1·x otherwise (p1 = negative slope). */
    LEAKY_RELU,
    /** y = 1 / (1 + e⁻ˣ). */
    SIGMOID,
    /** y = tanh x. */
    TANH
}
