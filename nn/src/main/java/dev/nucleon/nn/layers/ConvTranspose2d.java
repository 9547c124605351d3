package dev.nucleon.nn.layers;

import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Convolution;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.Parameter;
import dev.nucleon.nn.init.Initializer;
import dev.nucleon.nn.init.Initializers;

import java.util.Objects;

/**
 * 2-D transposed convolution (the gradient of {@link Conv2d} with respect to its input), square kernel.
 *
 * <p>Shapes: x (N, C_in, H, W) → y (N, C_out, H_out, W_out), weight (C_in, C_out/groups, k, k) (PyTorch's
 * layout), bias (C_out).
 * <br>{@code H_out = (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1} (likewise W). The
 * U-Net up-sampling {@code ConvTranspose2d(c, c/2, 2, 2)} doubles H and W.
 *
 * <p>Defaults (Keras's {@code Conv2DTranspose}): stride 1, no padding, a bias; kernel
 * {@link Initializers#glorotUniform() glorot_uniform} with fanIn = C_out·k², fanOut = C_in·k²; bias zeros.
 */
public final class ConvTranspose2d extends Module {

    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int outputPadding;
    private final int dilation;
    private final int groups;
    private final Parameter weight;
    private final Parameter bias;
    /** Applied to the output inside the convolution ({@link #fuseActivation}); {@link Epilogue#NONE} normally. */
    private Epilogue activation = Epilogue.NONE;

    /**
     * No padding, bias, Keras initialisers; {@code ConvTranspose2d(c, c/2, 2, 2)} doubles the resolution.
     *
     * @param inChannels  C_in, ≥ 1
     * @param outChannels C_out, ≥ 1
     * @param kernel      the square kernel's side k, ≥ 1
     * @param stride      ≥ 1
     * @throws IllegalArgumentException when a size is not positive
     */
    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride) {
        this(builder(inChannels, outChannels, kernel).stride(stride));
    }

    private ConvTranspose2d(Builder b) {
        Conv2d.requirePositive("in channels", b.inChannels);
        Conv2d.requirePositive("out channels", b.outChannels);
        Conv2d.requirePositive("kernel", b.kernel);
        Conv2d.requirePositive("stride", b.stride);
        Conv2d.requirePositive("dilation", b.dilation);
        Conv2d.requirePositive("groups", b.groups);
        if (b.padding < 0 || b.outputPadding < 0 || b.outputPadding >= Math.max(b.stride, b.dilation)) {
            throw new IllegalArgumentException("ConvTranspose2d: padding " + b.padding + " must be >= 0 and output padding "
                    + b.outputPadding + " in [0, max(stride, dilation))");
        }
        if (b.inChannels % b.groups != 0 || b.outChannels % b.groups != 0) {
            throw new IllegalArgumentException("ConvTranspose2d: groups=" + b.groups + " must divide in channels ("
                    + b.inChannels + ") and out channels (" + b.outChannels + ")");
        }
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.kernel = b.kernel;
        this.stride = b.stride;
        this.padding = b.padding;
        this.outputPadding = b.outputPadding;
        this.dilation = b.dilation;
        this.groups = b.groups;
        this.weight = registerParameter("weight",
                new Parameter(new int[] {inChannels, outChannels / groups, kernel, kernel}, b.kernelInit));
        this.bias = b.bias ? registerParameter("bias", new Parameter(new int[] {outChannels}, b.biasInit)) : null;
    }

    /**
     * A builder with the defaults of the class comment.
     *
     * @param inChannels  C_in, ≥ 1
     * @param outChannels C_out, ≥ 1
     * @param kernel      the square kernel's side k, ≥ 1
     * @return the builder; {@link Builder#build()} checks every option
     */
    public static Builder builder(int inChannels, int outChannels, int kernel) {
        return new Builder(inChannels, outChannels, kernel);
    }

    /** Options of a {@link ConvTranspose2d}; each setter returns the builder. */
    public static final class Builder {
        private final int inChannels;
        private final int outChannels;
        private final int kernel;
        private int stride = 1;
        private int padding;
        private int outputPadding;
        private int dilation = 1;
        private int groups = 1;
        private boolean bias = true;
        private Initializer kernelInit = Initializers.glorotUniform();
        private Initializer biasInit = Initializers.zeros();

        private Builder(int inChannels, int outChannels, int kernel) {
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernel = kernel;
        }

        /**
         * Sets the stride (default 1).
         *
         * @param stride ≥ 1
         * @return this builder
         */
        public Builder stride(int stride) {
            this.stride = stride;
            return this;
        }

        /**
         * Sets the padding removed from each side of the output (default 0).
         *
         * @param padding ≥ 0
         * @return this builder
         */
        public Builder padding(int padding) {
            this.padding = padding;
            return this;
        }

        /**
         * Sets the extra rows and columns added after the output (default 0), to pick one of the input sizes a strided conv maps to the same output.
         *
         * @param outputPadding in [0, max(stride, dilation))
         * @return this builder
         */
        public Builder outputPadding(int outputPadding) {
            this.outputPadding = outputPadding;
            return this;
        }

        /**
         * Sets the dilation (default 1).
         *
         * @param dilation ≥ 1
         * @return this builder
         */
        public Builder dilation(int dilation) {
            this.dilation = dilation;
            return this;
        }

        /**
         * Sets the groups (default 1); each sees C_in/groups inputs and gives C_out/groups outputs.
         *
         * @param groups ≥ 1, dividing both channel counts
         * @return this builder
         */
        public Builder groups(int groups) {
            this.groups = groups;
            return this;
        }

        /**
         * Sets whether the layer has a bias (default true).
         *
         * @param bias false for none (e.g. before batch norm)
         * @return this builder
         */
        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /**
         * Sets the kernel's initialiser (default Glorot-uniform).
         *
         * @param init the initialiser
         * @return this builder
         */
        public Builder kernelInitializer(Initializer init) {
            this.kernelInit = init;
            return this;
        }

        /**
         * Sets the bias's initialiser (default zeros).
         *
         * @param init the initialiser
         * @return this builder
         */
        public Builder biasInitializer(Initializer init) {
            this.biasInit = init;
            return this;
        }

        /**
         * {@return a new layer with these options, parameters drawn from the initialisers}
         *
         * @throws IllegalArgumentException when an option is out of range (naming it)
         */
        public ConvTranspose2d build() {
            return new ConvTranspose2d(this);
        }
    }

    /**
     * @param x (N, C_in, H, W)
     * @return (N, C_out, H_out, W_out)
     */
    @Override
    protected Tensor compute(Tensor x) {
        return Convolution.convTranspose2d(x, weight.value(), bias == null ? null : bias.value(),
                new int[] {stride, stride}, new int[] {padding, padding}, new int[] {outputPadding, outputPadding},
                new int[] {dilation, dilation}, groups, activation);
    }

    /**
     * Makes this layer compute {@code f(conv(x) + b)}: an inference rewrite that replaces the activation layer
     * after it (see the segmentation module's {@code LayerFusion}). Without gradients the backend applies f as it
     * writes the output; with them it is the plain conv followed by f, so training is unaffected.
     *
     * @param activation the activation to apply, {@link Epilogue#NONE} to undo
     */
    public void fuseActivation(Epilogue activation) {
        this.activation = Objects.requireNonNull(activation, "activation");
    }

    /**
     * {@return the activation fused into this layer ({@link Epilogue#NONE} unless {@link #fuseActivation} was called)}
     */
    public Epilogue fusedActivation() {
        return activation;
    }

    /** {@return the kernel, (C_in, C_out/groups, k, k)} */
    public Parameter weight() {
        return weight;
    }

    /** {@return the bias (C_out), or null when built without one} */
    public Parameter bias() {
        return bias;
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel=" + kernel + ", stride=" + stride
                + (padding != 0 ? ", padding=" + padding : "") + (outputPadding != 0 ? ", output_padding=" + outputPadding : "")
                + (dilation != 1 ? ", dilation=" + dilation : "") + (groups != 1 ? ", groups=" + groups : "")
                + (bias == null ? ", bias=false" : "") + (activation.isNone() ? "" : ", activation=" + activation);
    }

    /** {@return the kernel side k} */
    public int kernel() {
        return kernel;
    }

    /** {@return the stride} */
    public int stride() {
        return stride;
    }

    /** {@return the padding removed from each side of the output} */
    public int padding() {
        return padding;
    }

    /** {@return the output padding} */
    public int outputPadding() {
        return outputPadding;
    }

    /** {@return the dilation} */
    public int dilation() {
        return dilation;
    }

    /** {@return the groups} */
    public int groups() {
        return groups;
    }
}
