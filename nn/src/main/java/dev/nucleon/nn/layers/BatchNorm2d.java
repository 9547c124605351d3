package dev.nucleon.nn.layers;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Normalization;
import dev.nucleon.nn.Buffer;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.Parameter;
import dev.nucleon.nn.init.Initializers;

/**
 * Batch normalisation over the channels of (N, C, H, W): {@code y = (x − μ) / √(σ² + eps) · weight + bias}
 * per channel. Shape is kept: x (N, C, H, W) → y (N, C, H, W).
 *
 * <p>Training mode normalises with the batch's statistics and updates the running ones in place,
 * {@code running = (1 − momentum)·running + momentum·batch} (PyTorch's momentum convention, unbiased
 * variance); inference mode ({@link Module#eval()}) normalises with the running statistics.
 *
 * <p>Defaults are Keras's {@code BatchNormalization}: {@code eps = 1e-3} and Keras momentum 0.99, which is
 * {@code momentum = 0.01} in the convention above (PyTorch's own defaults are 1e-5 and 0.1; pass them to
 * the three-argument constructor to match a PyTorch model).
 *
 * <p>Parameters {@code weight} (γ, ones) and {@code bias} (β, zeros) — 2·C trainable; buffers
 * {@code running_mean} (zeros) and {@code running_var} (ones) — 2·C non-trainable.
 */
public final class BatchNorm2d extends Module {

    /** Keras's default momentum 0.99 expressed in PyTorch's convention. */
    public static final float DEFAULT_MOMENTUM = 0.01f;
    /** Keras's default epsilon. */
    public static final float DEFAULT_EPS = 1e-3f;

    private final int channels;
    private final float momentum;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;
    private final Buffer runningMean;
    private final Buffer runningVar;

    /**
     * Batch norm with Keras's momentum and epsilon.
     *
     * @param channels C, ≥ 1
     * @throws IllegalArgumentException when not positive
     */
    public BatchNorm2d(int channels) {
        this(channels, DEFAULT_MOMENTUM, DEFAULT_EPS);
    }

    /**
     * @param momentum weight of the new batch in the running statistics (PyTorch convention; Keras's
     *                 momentum m is 1 − m here)
     * @param channels C, ≥ 1
     * @param eps      added to the variance, &gt; 0
     * @throws IllegalArgumentException when out of range
     */
    public BatchNorm2d(int channels, float momentum, float eps) {
        Conv2d.requirePositive("channels", channels);
        if (!(momentum >= 0 && momentum <= 1) || !(eps > 0)) {
            throw new IllegalArgumentException("BatchNorm2d: need momentum in [0, 1] and eps > 0, got momentum="
                    + momentum + " eps=" + eps);
        }
        this.channels = channels;
        this.momentum = momentum;
        this.eps = eps;
        this.weight = registerParameter("weight", new Parameter(new int[] {channels}, Initializers.ones()));
        this.bias = registerParameter("bias", new Parameter(new int[] {channels}, Initializers.zeros()));
        this.runningMean = registerBuffer("running_mean", new Buffer(Tensor.zeros(channels)));
        this.runningVar = registerBuffer("running_var", new Buffer(Tensor.ones(channels)));
    }

    /**
     * @param x (N, C, H, W)
     * @return (N, C, H, W)
     */
    @Override
    protected Tensor compute(Tensor x) {
        return Normalization.batchNorm2d(x, runningMean.value(), runningVar.value(), weight.value(), bias.value(),
                isTraining(), momentum, eps);
    }

    /** {@return the scale γ, (C)} */
    public Parameter weight() {
        return weight;
    }

    /** {@return the shift β, (C)} */
    public Parameter bias() {
        return bias;
    }

    /** {@return the running mean, (C), used in inference mode} */
    public Buffer runningMean() {
        return runningMean;
    }

    /** {@return the running (unbiased) variance, (C), used in inference mode} */
    public Buffer runningVar() {
        return runningVar;
    }

    /** {@return the epsilon added to the variance} */
    public float eps() {
        return eps;
    }

    @Override
    protected String extraRepr() {
        return channels + ", eps=" + eps + ", momentum=" + momentum;
    }
}
