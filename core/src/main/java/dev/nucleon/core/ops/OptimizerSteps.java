package dev.nucleon.core.ops;

import dev.nucleon.core.AdamStep;
import dev.nucleon.core.SgdStep;
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

    /** θ, m, v updated in place by one Adam/AdamW step from gradient g (see Backend.adamUpdate). */
    public static void adam(Tensor theta, Tensor grad, Tensor m, Tensor v, AdamStep step) {
        check("adam", theta, grad, m, v);
        theta.backend().adamUpdate(theta.storage(), grad.storage(), m.storage(), v.storage(), step);
    }

    /** θ (and the momentum buffer, when momentum ≠ 0) updated in place by one SGD step (see Backend.sgdUpdate). */
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
