package dev.nucleon.nn.loss;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Losses;

/** Mean over all elements of {@code (prediction − target)²}; same shapes. */
public final class MeanSquaredError implements Loss {

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        return Losses.mse(prediction, target);
    }
}
