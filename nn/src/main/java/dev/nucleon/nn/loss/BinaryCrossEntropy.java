package dev.nucleon.nn.loss;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Losses;

/**
 * Binary cross-entropy on probabilities (after a sigmoid): mean over all elements of
 * {@code −[t·ln p + (1 − t)·ln(1 − p)]}, with p clamped to [1e-7, 1 − 1e-7] as Keras does.
 * prediction and target have the same shape, e.g. (N, 1, H, W); targets in [0, 1].
 */
public final class BinaryCrossEntropy implements Loss {

    @Override
    public Tensor compute(Tensor probabilities, Tensor target) {
        return Losses.binaryCrossEntropy(probabilities, target);
    }
}
