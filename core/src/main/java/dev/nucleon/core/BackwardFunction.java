package dev.nucleon.core;

/**
 * The gradient rule of one recorded op: given ∂L/∂output, returns ∂L/∂input for each input in the order
 * they were recorded ({@code null} for an input that needs none). It runs with gradient recording off.
 */
@FunctionalInterface
public interface BackwardFunction {
    Tensor[] apply(Tensor gradOutput);
}
