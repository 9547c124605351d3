package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Op;
import dev.nucleon.core.backend.RandomDistribution;
import dev.nucleon.core.Tensor;

/**
 * Inverted dropout: in training each element is zeroed with probability p and the survivors are scaled by
 * 1/(1 − p), so inference is the identity. The mask is a pure function of {@code seed} and position.
 */
public final class Dropout {

    private Dropout() {
    }

    /**
     * {@return x with each element zeroed with probability p and the rest scaled by 1/(1 − p) in training (all
     * zeros for p = 1); x itself when not training or p = 0}
     *
     * <p>The gradient is the upstream gradient times the same mask.
     *
     * @param x        the input, any shape
     * @param p        the drop probability, in [0, 1]
     * @param seed     seeds the mask, a pure function of the seed and each element's position (so independent of
     *                 the thread count)
     * @param training whether to drop (training) or pass x through (inference)
     * @throws IllegalArgumentException when p is outside [0, 1] (or NaN)
     */
    public static Tensor dropout(Tensor x, float p, long seed, boolean training) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p);
        }
        if (!training || p == 0f) {
            return x;
        }
        Tensor mask = Tensor.zeros(x.backend(), x.shape());
        if (p < 1f) {
            x.backend().fillRandom(mask.storage(), RandomDistribution.BERNOULLI_SCALED, seed, 1f - p, 0f);
        }
        Tensor y;
        try (var scope = Autograd.noGrad()) {
            y = x.mul(mask);
        }
        return Autograd.record(y, new Op.Dropout(p, mask), x);
    }
}
