package dev.nucleon.core.random;

/**
 * SplitMix64's output function, the one bit mixer of the project: a bijection on 64-bit values in which every
 * input bit flips each output bit with probability close to ½. Written once here; the counter-based generator
 * ({@link dev.nucleon.core.random.CounterRandom}), the seeds of weight initialisers ({@code nn.init.Initializers.mix})
 * and the patch order of training ({@code segmentation.train.PatchLoader}) all call it.
 *
 * <pre>
 *   z ← (z ⊕ (z ≫ 30)) · 0xBF58476D1CE4E5B9
 *   z ← (z ⊕ (z ≫ 27)) · 0x94D049BB133111EB
 *   return z ⊕ (z ≫ 31)                       (≫ unsigned shift, · modulo 2⁶⁴)
 * </pre>
 *
 * <p>The constants are Stafford's "Mix13" variant, as in Steele, Lea &amp; Flood, <i>Fast splittable pseudorandom
 * number generators</i> (OOPSLA 2014), and in {@link java.util.SplittableRandom}: the generator SplitMix64 is
 * {@code seed += GOLDEN_GAMMA; return mix(seed)}. The CUDA backend repeats these three lines in
 * {@code elementwise.cu} (a kernel cannot call Java); the conformance suite checks it against
 * {@code CounterRandom}.
 */
public final class SplitMix64 {

    /** 2⁶⁴/φ, odd: the step between SplitMix64's successive states, and a good multiplier to spread a counter. */
    public static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private SplitMix64() {
    }

    /**
     * The output function: the three lines above.
     *
     * @param z any 64-bit value (a state, or a counter spread by {@link #GOLDEN_GAMMA})
     * @return 64 well-mixed bits; distinct inputs give distinct outputs (a bijection)
     */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
