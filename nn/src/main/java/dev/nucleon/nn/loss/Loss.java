package dev.nucleon.nn.loss;

import dev.nucleon.core.Tensor;

/**
 * A training objective: a scalar (rank-0) tensor from a prediction and a target, differentiable with
 * respect to the prediction. Targets are constants. Compose with {@link #plus} and {@link #times}
 * (e.g. BCE + Dice for paper 003).
 */
@FunctionalInterface
public interface Loss {

    /**
     * @param prediction the network's output
     * @param target     the ground truth (no gradient flows into it)
     * @return the loss as a rank-0 tensor
     */
    Tensor compute(Tensor prediction, Tensor target);

    /**
     * {@return {@code this + other}, both computed on the same prediction and target}
     *
     * @param other the loss added to this one
     */
    default Loss plus(Loss other) {
        Loss self = this;
        return (p, t) -> self.compute(p, t).add(other.compute(p, t));
    }

    /**
     * {@return {@code weight · this}}
     *
     * @param weight the factor (any float; 0 switches the term off but still computes it)
     */
    default Loss times(float weight) {
        Loss self = this;
        return (p, t) -> self.compute(p, t).mul(weight);
    }
}
