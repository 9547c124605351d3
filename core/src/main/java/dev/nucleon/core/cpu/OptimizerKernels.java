package dev.nucleon.core.cpu;

import dev.nucleon.core.backend.AdamStep;
import dev.nucleon.core.backend.SgdStep;

/**
 * CPU fused optimizer steps: one pass over the parameter instead of a dozen tensor ops, each float
 * rounded exactly as the composed ops round it (Backend.adamUpdate / sgdUpdate spell out the order).
 */
final class OptimizerKernels {

    private OptimizerKernels() {
    }

    static void adam(float[] theta, float[] grad, float[] m, float[] v, AdamStep s) {
        Parallel.range(theta.length, Elementwise.GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float th = theta[i] * s.decay();
                float g = s.l2() != 0f ? grad[i] + th * s.l2() : grad[i];
                float mi = m[i] * s.beta1() + g * s.oneMinusBeta1();
                float vi = v[i] * s.beta2() + g * g * s.oneMinusBeta2();
                m[i] = mi;
                v[i] = vi;
                float mHat = mi * s.correction1();
                float vHat = vi * s.correction2();
                theta[i] = th - mHat / ((float) Math.sqrt(vHat) + s.eps()) * s.lr();
            }
        });
    }

    static void sgd(float[] theta, float[] grad, float[] buffer, SgdStep s) {
        Parallel.range(theta.length, Elementwise.GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float g = s.weightDecay() != 0f ? grad[i] + theta[i] * s.weightDecay() : grad[i];
                float d = g;
                if (s.momentum() != 0f) {
                    float b = s.firstStep() ? g : buffer[i] * s.momentum() + g * s.oneMinusDampening();
                    buffer[i] = b;
                    d = s.nesterov() ? g + b * s.momentum() : b;
                }
                theta[i] = theta[i] - d * s.lr();
            }
        });
    }
}
