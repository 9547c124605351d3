package dev.nucleon.nn.loss;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Losses;

/**
 * Binary cross-entropy on logits (before the sigmoid), numerically stable for any logit: mean of
 * {@code max(x, 0) − x·t + ln(1 + e^−|x|)}; equal to {@link BinaryCrossEntropy} of {@code sigmoid(x)}.
 * prediction and target have the same shape.
 */
public final class BinaryCrossEntropyWithLogits implements Loss {

    @Override
    public Tensor compute(Tensor logits, Tensor target) {
        return Losses.binaryCrossEntropyWithLogits(logits, target);
    }
}
