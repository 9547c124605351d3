package dev.nucleon.core.backend;

/**
 * Seeded random fills. Element {@code i} depends only on {@code (seed, i)} (a counter-based generator),
 * so every backend and every thread count produces the same numbers.
 */
public enum RandomDistribution {
    /** Uniform on [p1, p2). */
    UNIFORM,
    /** Normal with mean p1 and standard deviation p2. */
    NORMAL,
    /** Dropout mask: 1/p1 with probability p1 (keep), else 0. */
    BERNOULLI_SCALED
}
