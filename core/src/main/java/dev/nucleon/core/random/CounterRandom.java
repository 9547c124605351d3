package dev.nucleon.core.random;

/**
 * A counter-based generator: the i-th number of stream {@code seed} is a pure function of (seed, i), the
 * SplitMix64 finaliser ({@link SplitMix64#mix}) applied to {@code mix(seed) + i·φ}. Any thread (or GPU lane) can
 * produce any element, so fills are reproducible regardless of how the work is split. Other backends implement the
 * same function.
 */
public final class CounterRandom {

    private CounterRandom() {
    }

    /**
     * {@return 64 random bits for element {@code index} of stream {@code seed}}
     *
     * @param seed  the stream
     * @param index the element, ≥ 0
     */
    public static long bits(long seed, long index) {
        long z = SplitMix64.mix(seed) + index * SplitMix64.GOLDEN_GAMMA;
        return SplitMix64.mix(z);
    }

    /**
     * {@return a uniform number in [0, 1) with 24 bits of resolution (every float32 step in that range is reachable)}
     *
     * @param seed  the stream
     * @param index the element, ≥ 0
     */
    public static float uniform(long seed, long index) {
        return (bits(seed, index) >>> 40) * 0x1.0p-24f;
    }

    /**
     * {@return a standard normal number (mean 0, standard deviation 1), by Box–Muller from the elements 2i and 2i+1
     * of the stream}
     *
     * @param seed  the stream
     * @param index the element, ≥ 0
     */
    public static float normal(long seed, long index) {
        double u1 = ((bits(seed, 2 * index) >>> 11) + 1) * 0x1.0p-53; // (0, 1]
        double u2 = (bits(seed, 2 * index + 1) >>> 11) * 0x1.0p-53;
        return (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
}
