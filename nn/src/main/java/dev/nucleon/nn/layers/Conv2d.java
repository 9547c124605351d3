package dev.nucleon.nn.layers;

import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Convolution;
import dev.nucleon.core.ops.Shaping;
import dev.nucleon.nn.ConcatReader;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.Parameter;
import dev.nucleon.nn.init.Initializer;
import dev.nucleon.nn.init.Initializers;

import java.util.Objects;

/**
 * 2-D convolution (cross-correlation) with a square kernel: {@code y = conv2d(x, weight) + bias}.
 *
 * <p>Shapes: x (N, C_in, H, W) → y (N, C_out, H_out, W_out), weight (C_out, C_in/groups, k, k), bias (C_out).
 * <br>{@code H_out = ⌊(H + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1} (likewise W);
 * with {@link Builder#samePadding() same padding} (Keras's {@code padding="same"}) {@code H_out = ⌈H / stride⌉}:
 * the total padding {@code max((H_out − 1)·stride + dilation·(k − 1) + 1 − H, 0)} is split with the odd
 * pixel after (bottom/right), so even kernels such as 2×2 work as in Keras.
 *
 * <p>Defaults (Keras's {@code Conv2D}): stride 1, no padding ("valid"), dilation 1, one group, a bias;
 * kernel {@link Initializers#glorotUniform() glorot_uniform}, bias {@link Initializers#zeros() zeros}.
 * Parameters: {@code weight}, {@code bias} (PyTorch's names and layout).
 */
public final class Conv2d extends Module implements ConcatReader {

    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int dilation;
    private final int groups;
    private final boolean same;
    private final Parameter weight;
    private final Parameter bias;
    /** Applied to the output inside the convolution ({@link #fuseActivation}); {@link Epilogue#NONE} normally. */
    private Epilogue activation = Epilogue.NONE;

    /**
     * Stride 1, no padding, bias, Keras initialisers.
     *
     * @param inChannels  C_in, ≥ 1
     * @param outChannels C_out, ≥ 1
     * @param kernel      the square kernel's side k, ≥ 1
     * @throws IllegalArgumentException when a size is not positive
     */
    public Conv2d(int inChannels, int outChannels, int kernel) {
        this(builder(inChannels, outChannels, kernel));
    }

    /**
     * Symmetric zero padding, bias, Keras initialisers.
     *
     * @param inChannels  C_in, ≥ 1
     * @param outChannels C_out, ≥ 1
     * @param kernel      the square kernel's side k, ≥ 1
     * @param stride      ≥ 1
     * @param padding     zeros on each side, ≥ 0
     * @throws IllegalArgumentException when out of range
     */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding) {
        this(builder(inChannels, outChannels, kernel).stride(stride).padding(padding));
    }

    private Conv2d(Builder b) {
        requirePositive("in channels", b.inChannels);
        requirePositive("out channels", b.outChannels);
        requirePositive("kernel", b.kernel);
        requirePositive("stride", b.stride);
        requirePositive("dilation", b.dilation);
        requirePositive("groups", b.groups);
        if (b.padding < 0) {
            throw new IllegalArgumentException("Conv2d: padding must be >= 0, got " + b.padding);
        }
        if (b.inChannels % b.groups != 0 || b.outChannels % b.groups != 0) {
            throw new IllegalArgumentException("Conv2d: groups=" + b.groups + " must divide in channels (" + b.inChannels
                    + ") and out channels (" + b.outChannels + ")");
        }
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.kernel = b.kernel;
        this.stride = b.stride;
        this.padding = b.padding;
        this.dilation = b.dilation;
        this.groups = b.groups;
        this.same = b.same;
        this.weight = registerParameter("weight",
                new Parameter(new int[] {outChannels, inChannels / groups, kernel, kernel}, b.kernelInit));
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

    /** Options of a {@link Conv2d}; each setter returns the builder. */
    public static final class Builder {
        private final int inChannels;
        private final int outChannels;
        private final int kernel;
        private int stride = 1;
        private int padding;
        private int dilation = 1;
        private int groups = 1;
        private boolean same;
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
         * {@return symmetric zero padding on each side}
         *
         * @param padding zeros on each side, ≥ 0
         */
        public Builder padding(int padding) {
            this.padding = padding;
            this.same = false;
            return this;
        }

        /** {@return keras's {@code padding="same"}: {@code H_out = ⌈H / stride⌉}, the odd pixel padded after} */
        public Builder samePadding() {
            this.same = true;
            this.padding = 0;
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
        public Conv2d build() {
            return new Conv2d(this);
        }
    }

    /**
     * @param x (N, C_in, H, W)
     * @return (N, C_out, H_out, W_out)
     */
    @Override
    protected Tensor compute(Tensor x) {
        int[] pad = {padding, padding};
        if (same && x.rank() == 4) {
            int[][] beforeAfter = samePadding(x.shape());
            if (symmetric(beforeAfter)) {
                pad = new int[] {beforeAfter[0][2], beforeAfter[0][3]};
            } else {
                x = Shaping.pad(x, beforeAfter[0], beforeAfter[1], 0f);
            }
        }
        return Convolution.conv2d(x, weight.value(), bias == null ? null : bias.value(), new int[] {stride, stride}, pad,
                new int[] {dilation, dilation}, groups, activation);
    }

    /** Reads the parts in place ({@link Convolution#conv2d(Tensor[], Tensor, Tensor, int[], int[], int[], int, Epilogue)}). */
    @Override
    public Tensor computeConcat(Tensor[] parts) {
        int[] pad = {padding, padding};
        if (same) {
            int[][] beforeAfter = samePadding(parts[0].shape());
            if (!symmetric(beforeAfter)) {
                return null; // the concatenation is padded first
            }
            pad = new int[] {beforeAfter[0][2], beforeAfter[0][3]};
        }
        return Convolution.conv2d(parts, weight.value(), bias == null ? null : bias.value(), new int[] {stride, stride},
                pad, new int[] {dilation, dilation}, groups, activation);
    }

    /** 'same' padding of an (N, C, H, W) input: {before, after} per axis (TensorFlow's: the odd pixel after). */
    private int[][] samePadding(int[] s) {
        int[] before = new int[4];
        int[] after = new int[4];
        for (int axis = 2; axis < 4; axis++) {
            int size = s[axis];
            int out = (size + stride - 1) / stride;
            int total = Math.max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0);
            before[axis] = total / 2;
            after[axis] = total - total / 2;
        }
        return new int[][] {before, after};
    }

    private static boolean symmetric(int[][] beforeAfter) {
        return beforeAfter[0][2] == beforeAfter[1][2] && beforeAfter[0][3] == beforeAfter[1][3];
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

    /** {@return the kernel, (C_out, C_in/groups, k, k)} */
    public Parameter weight() {
        return weight;
    }

    /** {@return the bias, or null when built without one} */
    public Parameter bias() {
        return bias;
    }

    /** {@return C_in} */
    public int inChannels() {
        return inChannels;
    }

    /** {@return C_out} */
    public int outChannels() {
        return outChannels;
    }

    /** {@return the kernel side k} */
    public int kernel() {
        return kernel;
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel=" + kernel + ", stride=" + stride
                + (same ? ", padding=same" : ", padding=" + padding)
                + (dilation != 1 ? ", dilation=" + dilation : "") + (groups != 1 ? ", groups=" + groups : "")
                + (bias == null ? ", bias=false" : "") + (activation.isNone() ? "" : ", activation=" + activation);
    }

    static void requirePositive(String what, int v) {
        if (v < 1) {
            throw new IllegalArgumentException("layer: " + what + " must be >= 1, got " + v);
        }
    }

    /** {@return the stride} */
    public int stride() {
        return stride;
    }

    /** {@return the zero padding on each side (0 with "same" padding, which is computed per input)} */
    public int padding() {
        return padding;
    }

    /** {@return the dilation} */
    public int dilation() {
        return dilation;
    }

    /** {@return the groups} */
    public int groups() {
        return groups;
    }

    /** {@return true for "same" padding (the total split floor-half before, the rest after: ONNX SAME_UPPER)} */
    public boolean samePadding() {
        return same;
    }
}
