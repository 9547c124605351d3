package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Op;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;

/**
 * Batch normalisation over (N, C, H, W), per channel c:
 * {@code y = (x − μ_c) / √(σ²_c + ε) · γ_c + β_c}.
 *
 * <p>Training: μ and σ² (biased) are this batch's, and the running statistics are updated in place with
 * PyTorch's convention, {@code running = (1 − momentum)·running + momentum·batch}, using the unbiased
 * variance (× M/(M − 1), M = N·H·W) for the running variance. Inference: the running statistics are used
 * and are constants for autograd. Keras's {@code momentum=0.99} is PyTorch's {@code momentum=0.01}.
 */
public final class Normalization {

    private Normalization() {
    }

    /**
     * Batch-normalises x per channel, as the class comment says.
     *
     * @param x           the input (N, C, H, W)
     * @param runningMean (C), updated in place when training; may be null in training (no tracking)
     * @param runningVar  (C), likewise
     * @param gamma       (C) scale, or null for 1
     * @param beta        (C) shift, or null for 0
     * @param training    batch statistics (and running updates) when true; the running statistics when false
     * @param momentum    the running statistics' update weight, in [0, 1] (PyTorch's convention, e.g. 0.1;
     *                    not checked)
     * @param eps         ε, added to the variance, &gt; 0
     * @return y, x's shape; differentiable in x, gamma and beta
     * @throws IllegalArgumentException when x is not rank 4, a parameter is not (C), eps is not positive,
     *                                  training sees a single value per channel (N·H·W = 1), or inference lacks
     *                                  the running statistics
     */
    public static Tensor batchNorm2d(Tensor x, Tensor runningMean, Tensor runningVar, Tensor gamma, Tensor beta,
                                     boolean training, float momentum, float eps) {
        Convolution.requireRank4("batch_norm2d", "input", x);
        int[] s = x.shape();
        int n = s[0];
        int c = s[1];
        int spatial = s[2] * s[3];
        for (Tensor p : new Tensor[] {runningMean, runningVar, gamma, beta}) {
            if (p != null && (p.rank() != 1 || p.size(0) != c)) {
                throw new IllegalArgumentException("batch_norm2d: input has " + c + " channels, a parameter has shape "
                        + Shape.str(p.shape()) + " (expected [" + c + "])");
            }
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("batch_norm2d: eps must be > 0, got " + eps);
        }
        Tensor g = gamma != null ? gamma : Tensor.zeros(x.backend(), c).fullLike(1f);
        Tensor b = beta != null ? beta : Tensor.zeros(x.backend(), c);
        Tensor mean;
        Tensor invStd;
        if (training) {
            long m = (long) n * spatial;
            if (m < 2) {
                throw new IllegalArgumentException("batch_norm2d: training needs more than one value per channel, got "
                        + "input " + Shape.str(s));
            }
            mean = Tensor.zeros(x.backend(), c);
            Tensor var = Tensor.zeros(x.backend(), c);
            x.backend().batchNormStatistics(x.storage(), n, c, spatial, mean.storage(), var.storage());
            try (var scope = Autograd.noGrad()) {
                invStd = var.add(eps).pow(-0.5f);
                if (runningMean != null) {
                    runningMean.assign(runningMean.mul(1 - momentum).add(mean.mul(momentum)));
                }
                if (runningVar != null) {
                    runningVar.assign(runningVar.mul(1 - momentum).add(var.mul(momentum * m / (float) (m - 1))));
                }
            }
        } else {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException("batch_norm2d: inference needs running mean and variance");
            }
            try (var scope = Autograd.noGrad()) {
                mean = runningMean.detach();
                invStd = runningVar.add(eps).pow(-0.5f);
            }
        }
        Tensor y = Tensor.empty(x.backend(), s);
        x.backend().batchNormForward(x.storage(), n, c, spatial, mean.storage(), invStd.storage(), g.storage(),
                b.storage(), y.storage());
        return Autograd.record(y, new Op.BatchNorm2d(training, eps, mean, invStd, g), x, runningMean, runningVar,
                gamma, beta);
    }
}
