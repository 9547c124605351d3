package dev.nucleon.nn.init;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.random.CounterRandom;
import dev.nucleon.core.random.SplitMix64;

import java.nio.charset.StandardCharsets;

/**
 * The seeded initialisers, with Keras's definitions (the reproduced papers were written in Keras):
 *
 * <table>
 *   <caption>initialisers</caption>
 *   <tr><th>factory</th><th>distribution</th></tr>
 *   <tr><td>{@link #glorotUniform()} (Xavier uniform; Keras's default kernel initialiser)</td>
 *       <td>U(−l, l), l = √(6 / (fanIn + fanOut))</td></tr>
 *   <tr><td>{@link #glorotNormal()} (Xavier normal)</td>
 *       <td>normal truncated at ±2σ, σ = √(2 / (fanIn + fanOut)) / 0.87962566</td></tr>
 *   <tr><td>{@link #heUniform()} (Kaiming uniform)</td><td>U(−l, l), l = √(6 / fanIn)</td></tr>
 *   <tr><td>{@link #heNormal()} (Kaiming normal)</td>
 *       <td>normal truncated at ±2σ, σ = √(2 / fanIn) / 0.87962566</td></tr>
 *   <tr><td>{@link #zeros()}, {@link #ones()}, {@link #constant(float)}</td><td>constants</td></tr>
 * </table>
 *
 * <p>The truncated normals are Keras's {@code VarianceScaling(distribution="truncated_normal")}: values
 * beyond two standard deviations are redrawn, and σ is divided by 0.87962566 (the standard deviation of a
 * unit normal truncated at ±2) so the result has the intended variance. PyTorch's
 * {@code kaiming_normal_} / {@code xavier_normal_} use an untruncated normal of the same variance; use
 * {@link #heNormalUntruncated()} / {@link #glorotNormalUntruncated()} for those.
 *
 * <p>Seeds: layers draw their parameters' seeds from {@link #nextSeed()}, a per-thread sequence restarted by
 * {@link #manualSeed(long)} (like {@code torch.manual_seed}); {@code Module.initialize(seed)} instead derives
 * each seed from the parameter's hierarchical name, independent of construction order.
 */
public final class Initializers {

    /** Standard deviation of a unit normal truncated to [−2, 2]. */
    static final double TRUNCATED_STD = 0.87962566103423978;

    private static final ThreadLocal<long[]> SEQUENCE = ThreadLocal.withInitial(() -> new long[] {0L, 0L});

    private Initializers() {
    }

    /**
     * Restarts this thread's seed sequence, so the layers built next get reproducible seeds.
     *
     * @param seed the sequence's base seed
     */
    public static void manualSeed(long seed) {
        long[] s = SEQUENCE.get();
        s[0] = seed;
        s[1] = 0;
    }

    /** {@return the next seed of this thread's sequence} */
    public static long nextSeed() {
        long[] s = SEQUENCE.get();
        return mix(s[0], s[1]++);
    }

    /**
     * {@return a well-spread 64-bit seed from two values ({@link SplitMix64#mix} of {@code seed + φ·(salt + 1)})}
     *
     * @param seed the base seed
     * @param salt what tells this seed apart from the others of the same base (an index, a hash)
     */
    public static long mix(long seed, long salt) {
        return SplitMix64.mix(seed + SplitMix64.GOLDEN_GAMMA * (salt + 1));
    }

    /**
     * {@return a seed derived from a base seed and a name (64-bit FNV-1a of its UTF-8 bytes, then {@link #mix})}
     *
     * @param seed the base seed
     * @param name e.g. a parameter's path in its module tree
     */
    public static long mix(long seed, String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(seed, h);
    }

    /** {@return Keras' {@code glorot_uniform}: uniform on [−l, l], l = √(6 / (fanIn + fanOut))} */
    public static Initializer glorotUniform() {
        return named("glorot_uniform", (shape, fans, seed) ->
                symmetricUniform(seed, Math.sqrt(6.0 / (fans.fanIn() + fans.fanOut())), shape));
    }

    /**
     * {@return Keras' {@code glorot_normal}: a normal truncated at ±2σ' (redrawn beyond), σ' chosen so the result has
     * σ = √(2 / (fanIn + fanOut))}
     */
    public static Initializer glorotNormal() {
        return named("glorot_normal", (shape, fans, seed) ->
                truncatedNormal(seed, Math.sqrt(2.0 / (fans.fanIn() + fans.fanOut())) / TRUNCATED_STD, shape));
    }

    /** {@return PyTorch's {@code xavier_normal_}: an untruncated normal with σ = √(2 / (fanIn + fanOut))} */
    public static Initializer glorotNormalUntruncated() {
        return named("xavier_normal", (shape, fans, seed) ->
                Tensor.normal(seed, 0f, (float) Math.sqrt(2.0 / (fans.fanIn() + fans.fanOut())), shape));
    }

    /** {@return Keras' {@code he_uniform}: uniform on [−l, l], l = √(6 / fanIn)} */
    public static Initializer heUniform() {
        return named("he_uniform", (shape, fans, seed) -> symmetricUniform(seed, Math.sqrt(6.0 / fans.fanIn()), shape));
    }

    /** {@return Keras' {@code he_normal}: a normal truncated at ±2σ', the result having σ = √(2 / fanIn)} */
    public static Initializer heNormal() {
        return named("he_normal", (shape, fans, seed) ->
                truncatedNormal(seed, Math.sqrt(2.0 / fans.fanIn()) / TRUNCATED_STD, shape));
    }

    /** {@return PyTorch's {@code kaiming_normal_} (fan-in mode, ReLU gain): an untruncated normal, σ = √(2 / fanIn)} */
    public static Initializer heNormalUntruncated() {
        return named("kaiming_normal", (shape, fans, seed) ->
                Tensor.normal(seed, 0f, (float) Math.sqrt(2.0 / fans.fanIn()), shape));
    }

    /** {@return all zeros (biases)} */
    public static Initializer zeros() {
        return named("zeros", (shape, fans, seed) -> Tensor.zeros(shape));
    }

    /** {@return all ones (normalisation scales)} */
    public static Initializer ones() {
        return constant(1f);
    }

    /**
     * {@return every element {@code value}}
     *
     * @param value the fill value
     */
    public static Initializer constant(float value) {
        return named(value == 1f ? "ones" : "constant(" + value + ")", (shape, fans, seed) -> Tensor.full(value, shape));
    }

    private static Tensor symmetricUniform(long seed, double limit, int[] shape) {
        return Tensor.uniform(seed, (float) -limit, (float) limit, shape);
    }

    /**
     * Normal(0, std²) with every value beyond ±2·std redrawn (from further seeded draws): element i of round r
     * is element i of the standard-normal stream {@code mix(seed, r)}. Only the outliers are redrawn, straight
     * from the counter-based generator that {@link Tensor#normal} fills with ({@link CounterRandom}), so the
     * values are those of drawing every round in full, at the cost of one fill (~5 % of values need a
     * second draw, ~0.2 % a third).
     */
    static Tensor truncatedNormal(long seed, double std, int[] shape) {
        Tensor first = Tensor.normal(seed, 0f, 1f, shape);
        float[] z = first.toArray();
        int n = z.length;
        int[] outliers = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(z[i]) > 2f) {
                outliers[count++] = i;
            }
        }
        for (long round = 1; round < 1000 && count > 0; round++) {
            long roundSeed = mix(seed, round);
            int left = 0;
            for (int j = 0; j < count; j++) {
                int i = outliers[j];
                z[i] = CounterRandom.normal(roundSeed, i);
                if (Math.abs(z[i]) > 2f) {
                    outliers[left++] = i;
                }
            }
            count = left;
        }
        for (int i = 0; i < n; i++) {
            z[i] = (float) (z[i] * std);
        }
        return Tensor.of(z, shape);
    }

    private static Initializer named(String name, Initializer body) {
        return new Initializer() {
            @Override
            public Tensor create(int[] shape, Fans fans, long seed) {
                return body.create(shape, fans, seed);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
