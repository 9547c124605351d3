package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.RandomDistribution;
import dev.nucleon.core.Tensor;

/**
 * Inverted dropout: in training each element is zeroed with probability p and the survivors are scaled by
 * 1/(1 − p), so inference is the identity. The mask is a pure function of {@code seed} and position.
 */
public final class Dropout {

    private Dropout() {
    }

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
        return Autograd.record(y, "dropout", g -> new Tensor[] {g.mul(mask)}, x);
    }
}
