package dev.nucleon.core.ops;

import dev.nucleon.core.backend.AdamStep;
import dev.nucleon.core.backend.SgdStep;
import dev.nucleon.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The fused optimizer steps give exactly (bit for bit) the floats of the same update written with tensor
 * ops, as nn's optimizers computed it before they used the fused step; sizes cross the CPU's threading grain.
 */
class OptimizerStepsTest {

    private final SplittableRandom random = new SplittableRandom(11);

    private Tensor randoms(int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(lo, hi);
        }
        return Tensor.of(v, n);
    }

    @Test
    void adamMatchesTheComposedOps() {
        int n = 70_001;
        for (int variant = 0; variant < 3; variant++) {
            double lr = 0.003;
            double beta1 = 0.9;
            double beta2 = 0.999;
            double eps = 1e-7;
            double wd = variant == 0 ? 0 : 0.05;
            boolean decoupled = variant == 2;
            Tensor theta = randoms(n, -1, 1);
            Tensor m = randoms(n, -0.1, 0.1);
            Tensor v = randoms(n, 0, 0.01);
            Tensor fusedTheta = theta.copy();
            Tensor fusedM = m.copy();
            Tensor fusedV = v.copy();
            for (long t = 1; t <= 3; t++) {
                Tensor grad = randoms(n, -1, 1);
                // the composed update (nn's Adam before the fused step)
                Tensor th = theta;
                Tensor g = grad;
                if (wd != 0) {
                    if (decoupled) {
                        th = th.mul((float) (1 - lr * wd));
                    } else {
                        g = g.add(th.mul((float) wd));
                    }
                }
                m.assign(m.mul((float) beta1).add(g.mul((float) (1 - beta1))));
                v.assign(v.mul((float) beta2).add(g.mul(g).mul((float) (1 - beta2))));
                double c1 = 1 - Math.pow(beta1, t);
                double c2 = 1 - Math.pow(beta2, t);
                theta.assign(th.sub(m.mul((float) (1 / c1)).div(v.mul((float) (1 / c2)).sqrt().add((float) eps)).mul((float) lr)));

                OptimizerSteps.adam(fusedTheta, grad, fusedM, fusedV, AdamStep.of(lr, beta1, beta2, eps, wd, decoupled, t));
                assertArrayEquals(m.toArray(), fusedM.toArray(), "m, variant " + variant + " step " + t);
                assertArrayEquals(v.toArray(), fusedV.toArray(), "v, variant " + variant + " step " + t);
                assertArrayEquals(theta.toArray(), fusedTheta.toArray(), "θ, variant " + variant + " step " + t);
            }
        }
    }

    @Test
    void sgdMatchesTheComposedOps() {
        int n = 70_001;
        double[][] variants = {{0, 0, 0, 0}, {0.9, 0, 0, 0}, {0.9, 0.1, 0.01, 0}, {0.9, 0, 0.01, 1}};
        for (double[] c : variants) {
            double lr = 0.05;
            double momentum = c[0];
            double dampening = c[1];
            double wd = c[2];
            boolean nesterov = c[3] == 1;
            Tensor theta = randoms(n, -1, 1);
            Tensor fusedTheta = theta.copy();
            Tensor buf = null;
            Tensor fusedBuf = momentum != 0 ? Tensor.zeros(theta.backend(), theta.shape()) : null;
            for (int t = 0; t < 3; t++) {
                Tensor grad = randoms(n, -1, 1);
                Tensor g = wd != 0 ? grad.add(theta.mul((float) wd)) : grad;
                Tensor d = g;
                if (momentum != 0) {
                    if (buf == null) {
                        buf = g.copy();
                    } else {
                        buf.assign(buf.mul((float) momentum).add(g.mul((float) (1 - dampening))));
                    }
                    d = nesterov ? g.add(buf.mul((float) momentum)) : buf;
                }
                theta.assign(theta.sub(d.mul((float) lr)));

                OptimizerSteps.sgd(fusedTheta, grad, fusedBuf, SgdStep.of(lr, momentum, dampening, wd, nesterov, t == 0));
                assertArrayEquals(theta.toArray(), fusedTheta.toArray(), "θ " + java.util.Arrays.toString(c) + " step " + t);
                if (buf != null) {
                    assertArrayEquals(buf.toArray(), fusedBuf.toArray(), "buffer " + java.util.Arrays.toString(c));
                }
            }
        }
    }

    @Test
    void mismatchedStateIsRefused() {
        Tensor theta = randoms(4, -1, 1);
        assertThrows(IllegalArgumentException.class, () -> OptimizerSteps.adam(theta, randoms(4, -1, 1), randoms(3, 0, 1),
                randoms(4, 0, 1), AdamStep.of(0.1, 0.9, 0.999, 1e-7, 0, false, 1)));
        assertThrows(IllegalArgumentException.class, () -> OptimizerSteps.sgd(theta, randoms(4, -1, 1), null,
                SgdStep.of(0.1, 0.9, 0, 0, false, true)));
    }
}
