package dev.nucleon.nn.layers;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializers;

/**
 * Inverted dropout: in training each element is zeroed with probability p and survivors are scaled by
 * 1/(1 − p); in inference mode it is the identity. Any shape → the same shape.
 *
 * <p>Seeded and reproducible: call t (counting training-mode calls from 0) draws its mask from
 * {@code mix(seed, t)}, so masks differ between steps while a run repeated from the same seed sees the
 * same masks. The seed defaults to the next of {@link Initializers#nextSeed()}. The call counter is not
 * saved in checkpoints; {@link #resetCalls()} restarts it.
 */
public final class Dropout extends Module {

    private final float p;
    private final long seed;
    private long calls;

    /**
     * Dropout seeded from this thread's initialiser sequence.
     *
     * @param p the probability of zeroing an element, in [0, 1)
     * @throws IllegalArgumentException when out of range
     */
    public Dropout(float p) {
        this(p, Initializers.nextSeed());
    }

    /**
     * Dropout with its own seed.
     *
     * @param p    the probability of zeroing an element, in [0, 1)
     * @param seed the seed of the mask sequence
     * @throws IllegalArgumentException when out of range
     */
    public Dropout(float p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.seed = seed;
    }

    @Override
    protected Tensor compute(Tensor x) {
        if (!isTraining() || p == 0f) {
            return x;
        }
        return dev.nucleon.core.ops.Dropout.dropout(x, p, Initializers.mix(seed, calls++), true);
    }

    /** {@return training-mode calls so far (the index of the next mask)} */
    public long calls() {
        return calls;
    }

    /** Restarts the mask sequence. */
    public void resetCalls() {
        calls = 0;
    }

    /** {@return the probability p of zeroing an element} */
    public float probability() {
        return p;
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
