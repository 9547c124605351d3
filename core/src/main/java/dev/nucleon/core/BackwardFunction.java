package dev.nucleon.core;

/**
 * The gradient rule of one recorded op: given ∂L/∂output, returns ∂L/∂input for each input in the order
 * they were recorded ({@code null} for an input that needs none). It runs with gradient recording off.
 */
@FunctionalInterface
public interface BackwardFunction {
    /**
     * Computes the inputs' gradients.
     *
     * @param gradOutput ∂L/∂output, of the output's shape
     * @return ∂L/∂input for each recorded input, each of that input's shape, or {@code null} where none is needed
     */
    Tensor[] apply(Tensor gradOutput);
}
