package dev.nucleon.core.cpu;

/**
 * A counter-based generator: the i-th number of stream {@code seed} is a pure function of (seed, i), the
 * SplitMix64 finaliser applied to {@code seed·φ + i}. Any thread (or GPU lane) can produce any element, so
 * fills are reproducible regardless of how the work is split. Other backends implement the same function.
 */
public final class CounterRandom {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private CounterRandom() {
    }

    /** 64 random bits for element {@code index} of stream {@code seed}. */
    public static long bits(long seed, long index) {
        long z = mix(seed) + index * GOLDEN;
        return mix(z);
    }

    /** Uniform on [0, 1) with 24 bits of resolution (every float32 step in that range is reachable). */
    public static float uniform(long seed, long index) {
        return (bits(seed, index) >>> 40) * 0x1.0p-24f;
    }

    /** Standard normal by Box–Muller from two uniforms of the sub-streams 2i and 2i+1. */
    public static float normal(long seed, long index) {
        double u1 = ((bits(seed, 2 * index) >>> 11) + 1) * 0x1.0p-53; // (0, 1]
        double u2 = (bits(seed, 2 * index + 1) >>> 11) * 0x1.0p-53;
        return (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
