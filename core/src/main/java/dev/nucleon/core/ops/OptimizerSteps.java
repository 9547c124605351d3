package dev.nucleon.core.ops;

import dev.nucleon.core.backend.AdamStep;
import dev.nucleon.core.backend.SgdStep;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;

import java.util.Arrays;

/**
 * Fused optimizer steps: each updates a parameter (and its state tensors) in place in one backend call,
 * with the same float results as the equivalent sequence of tensor ops. Not recorded by autograd.
 */
public final class OptimizerSteps {

    private OptimizerSteps() {
    }

    /**
     * Updates θ, m and v in place by one Adam/AdamW step from gradient g ({@link dev.nucleon.core.backend.Backend#adamUpdate}
     * gives the formulas and their float rounding).
     *
     * @param theta the parameter θ, updated
     * @param grad  its gradient g, θ's shape, read only
     * @param m     the first-moment estimate, θ's shape, updated
     * @param v     the second-moment estimate, θ's shape, updated
     * @param step  this step's coefficients ({@link AdamStep#of})
     * @throws IllegalArgumentException when a tensor is null, differs in shape from θ or is on another device
     */
    public static void adam(Tensor theta, Tensor grad, Tensor m, Tensor v, AdamStep step) {
        check("adam", theta, grad, m, v);
        theta.backend().adamUpdate(theta.storage(), grad.storage(), m.storage(), v.storage(), step);
    }

    /**
     * Updates θ (and the momentum buffer, when momentum ≠ 0) in place by one SGD step
     * ({@link dev.nucleon.core.backend.Backend#sgdUpdate} gives the formulas and their float rounding).
     *
     * @param theta  the parameter θ, updated
     * @param grad   its gradient g, θ's shape, read only
     * @param buffer the momentum buffer, θ's shape, updated; may be null when the step's momentum is 0
     * @param step   this step's coefficients ({@link SgdStep#of})
     * @throws IllegalArgumentException when a needed tensor is null, differs in shape from θ or is on another device
     */
    public static void sgd(Tensor theta, Tensor grad, Tensor buffer, SgdStep step) {
        if (step.momentum() != 0f) {
            check("sgd", theta, grad, buffer);
        } else {
            check("sgd", theta, grad);
        }
        theta.backend().sgdUpdate(theta.storage(), grad.storage(), buffer == null ? null : buffer.storage(), step);
    }

    private static void check(String op, Tensor theta, Tensor... others) {
        for (Tensor t : others) {
            if (t == null) {
                throw new IllegalArgumentException(op + ": a state tensor is missing");
            }
            if (!Arrays.equals(t.shape(), theta.shape())) {
                throw new IllegalArgumentException(op + ": shape " + Shape.str(t.shape()) + " differs from the parameter's "
                        + Shape.str(theta.shape()));
            }
            if (!t.device().equals(theta.device())) {
                throw new IllegalArgumentException(op + ": a tensor on " + t.device() + ", the parameter on " + theta.device());
            }
        }
    }
}
