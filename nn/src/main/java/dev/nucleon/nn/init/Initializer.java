package dev.nucleon.nn.init;

import dev.nucleon.core.Tensor;

/**
 * Creates a parameter's initial values: a pure function of shape, fans and seed, so a network rebuilt with
 * the same seeds starts from the same numbers on every machine. Factories are in {@link Initializers}.
 */
@FunctionalInterface
public interface Initializer {

    /**
     * @param shape the parameter's shape
     * @param fans  its fan-in / fan-out ({@link Fans#of(int...)} unless the layer knows better)
     * @param seed  the random seed (ignored by the constant initialisers)
     * @return a new CPU tensor of {@code shape}
     */
    Tensor create(int[] shape, Fans fans, long seed);
}
