package dev.nucleon.segmentation.networks;

import dev.nucleon.nn.init.Initializer;
import dev.nucleon.nn.init.Initializers;

import java.util.Arrays;

/**
 * Everything that distinguishes the U-Nets of the five papers, as an immutable value built with
 * {@link #builder()}: input channels, base filters B, depth N (levels; filters B·2^(n−1) at level n),
 * batch norm, the up-sampling mode, the activation of every encoder and decoder convolution, dropout per
 * level, the head and the kernel initialiser. {@link UNet} turns it into a network.
 *
 * <p>Level n = 1 … N of the encoder is two 3×3 "same" convolutions (each: conv + bias → [batch norm] →
 * activation), with a 2×2 max-pool between levels; level N is the bottleneck. Decoder level n = N−1 … 1 is
 * the up-sampling of level n+1 ({@link UpMode}), concatenated (up-sampled first) with encoder level n, then
 * two 3×3 convolutions with f_n filters. The head maps level 1's f_1 channels to the output.
 *
 * <p>The activation plan is how paper 000's "carving" is expressed: {@code encoderActivations(ELU, RELU)}
 * puts ELU on the first and ReLU on the second convolution of every encoder level (1 … N), and the decoder
 * keeps ReLU.
 *
 * <p>Defaults: 1 input channel, B = 16, N = 5, no batch norm, transposed up-sampling without activation,
 * ReLU everywhere, no dropout, a 1×1 convolution to one channel with a sigmoid, Keras's glorot_uniform
 * kernels.
 */
public final class UNetConfig {

    /** Where per-level dropout goes. */
    public enum DropoutPlacement {
        /**
         * Between the two convolutions of a level, in the encoder and in the decoder at the same rate (the
         * Keras DSB2018 U-Net of paper 000: 0.1/0.1/0.2/0.2/0.3).
         */
        BETWEEN_CONVS,
        /**
         * After an encoder level's second convolution, before pooling and the skip connection; not in the
         * decoder (the Keras U-Net that paper 004 cites: 0.5 on levels 4 and 5).
         */
        AFTER_ENCODER_BLOCK
    }

    private final int inChannels;
    private final int base;
    private final int depth;
    private final boolean batchNorm;
    private final UpMode upMode;
    private final Activation upActivation;
    private final Activation[][] encoder;
    private final Activation[][] decoder;
    private final float[] dropout;
    private final DropoutPlacement dropoutPlacement;
    private final int headHidden;
    private final Activation headHiddenActivation;
    private final int outChannels;
    private final Output output;
    private final Initializer kernelInit;

    private UNetConfig(Builder b) {
        this.inChannels = b.inChannels;
        this.base = b.base;
        this.depth = b.depth;
        this.batchNorm = b.batchNorm;
        this.upMode = b.upMode;
        this.upActivation = b.upActivation;
        this.encoder = new Activation[depth][];
        this.decoder = new Activation[depth - 1][];
        for (int n = 0; n < depth; n++) {
            encoder[n] = n < b.encoder.length && b.encoder[n] != null ? b.encoder[n].clone()
                    : new Activation[] {b.encoderDefault[0], b.encoderDefault[1]};
        }
        for (int n = 0; n < depth - 1; n++) {
            decoder[n] = n < b.decoder.length && b.decoder[n] != null ? b.decoder[n].clone()
                    : new Activation[] {b.decoderDefault[0], b.decoderDefault[1]};
        }
        this.dropout = b.dropout == null ? new float[depth] : b.dropout.clone();
        this.dropoutPlacement = b.dropoutPlacement;
        this.headHidden = b.headHidden;
        this.headHiddenActivation = b.headHiddenActivation;
        this.outChannels = b.outChannels;
        this.output = b.output;
        this.kernelInit = b.kernelInit;
    }

    /** {@return a builder holding the defaults listed above} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder starting from this configuration} */
    public Builder toBuilder() {
        Builder b = new Builder().inChannels(inChannels).base(base).depth(depth).batchNorm(batchNorm)
                .upMode(upMode).upActivation(upActivation).dropoutPlacement(dropoutPlacement)
                .output(outChannels, output).kernelInitializer(kernelInit).dropout(dropout);
        b.encoder = new Activation[depth][];
        for (int n = 0; n < depth; n++) {
            b.encoder[n] = encoder[n].clone();
        }
        b.decoder = new Activation[depth - 1][];
        for (int n = 0; n < depth - 1; n++) {
            b.decoder[n] = decoder[n].clone();
        }
        if (headHidden > 0) {
            b.headHidden(headHidden, headHiddenActivation);
        }
        return b;
    }

    /** Options of a {@link UNetConfig}; each setter returns the builder. */
    public static final class Builder {
        private int inChannels = 1;
        private int base = 16;
        private int depth = 5;
        private boolean batchNorm;
        private UpMode upMode = UpMode.TRANSPOSED;
        private Activation upActivation = Activation.NONE;
        private Activation[] encoderDefault = {Activation.RELU, Activation.RELU};
        private Activation[] decoderDefault = {Activation.RELU, Activation.RELU};
        private Activation[][] encoder = new Activation[0][];
        private Activation[][] decoder = new Activation[0][];
        private float[] dropout;
        private DropoutPlacement dropoutPlacement = DropoutPlacement.BETWEEN_CONVS;
        private int headHidden;
        private Activation headHiddenActivation = Activation.RELU;
        private int outChannels = 1;
        private Output output = Output.SIGMOID;
        private Initializer kernelInit = Initializers.glorotUniform();

        private Builder() {
        }

        /**
         * Sets the channels of the input image, C_in.
         *
         * @param c 1 for gray, 3 for RGB (≥ 1, checked by {@link #build()}; default 1)
         * @return this builder
         */
        public Builder inChannels(int c) {
            this.inChannels = c;
            return this;
        }

        /**
         * Sets B, the filters of level 1 (level n has B·2^(n−1)).
         *
         * @param b B (≥ 1, checked by {@link #build()}; default 16)
         * @return this builder
         */
        public Builder base(int b) {
            this.base = b;
            return this;
        }

        /**
         * Sets N, the number of levels including the bottleneck (N − 1 poolings, so inputs are multiples of
         * 2^(N−1)).
         *
         * @param n N, in 1 … 12 (checked by {@link #build()}; default 5)
         * @return this builder
         */
        public Builder depth(int n) {
            this.depth = n;
            return this;
        }

        /**
         * Puts batch norm after every 3×3 convolution (before its activation), as paper 002, or none.
         *
         * @param on whether to (default false)
         * @return this builder
         */
        public Builder batchNorm(boolean on) {
            this.batchNorm = on;
            return this;
        }

        /**
         * Sets how the decoder doubles the resolution.
         *
         * @param mode the up-sampling (default {@link UpMode#TRANSPOSED})
         * @return this builder
         */
        public Builder upMode(UpMode mode) {
            this.upMode = mode;
            return this;
        }

        /**
         * The activation after the up-sampling's own convolution ({@link UpMode#TRANSPOSED},
         * {@link UpMode#NEAREST_CONV}); ignored for {@link UpMode#NEAREST}. Default none.
         *
         * @param a the activation
         * @return this builder
         */
        public Builder upActivation(Activation a) {
            this.upActivation = a;
            return this;
        }

        /**
         * Puts the same activation on every 3×3 convolution of encoder and decoder, replacing any per-level choice.
         *
         * @param a the activation (default ReLU)
         * @return this builder
         */
        public Builder activation(Activation a) {
            return encoderActivations(a, a).decoderActivations(a, a);
        }

        /**
         * Sets the activations of every encoder level (1 … N, the bottleneck included), replacing any
         * {@link #encoderLevel} choice.
         *
         * @param first  after each level's first 3×3 convolution
         * @param second after each level's second 3×3 convolution
         * @return this builder
         */
        public Builder encoderActivations(Activation first, Activation second) {
            this.encoderDefault = new Activation[] {first, second};
            this.encoder = new Activation[0][];
            return this;
        }

        /**
         * Sets the activations of every decoder level (N−1 … 1), replacing any {@link #decoderLevel} choice.
         *
         * @param first  after each level's first 3×3 convolution
         * @param second after each level's second 3×3 convolution
         * @return this builder
         */
        public Builder decoderActivations(Activation first, Activation second) {
            this.decoderDefault = new Activation[] {first, second};
            this.decoder = new Activation[0][];
            return this;
        }

        /**
         * Sets one encoder level's activations, overriding {@link #encoderActivations} for that level.
         *
         * @param level  1 … N ({@link #build()} fails when it exceeds the depth)
         * @param first  after the level's first 3×3 convolution
         * @param second after the level's second 3×3 convolution
         * @return this builder
         * @throws IllegalArgumentException when {@code level} is below 1
         */
        public Builder encoderLevel(int level, Activation first, Activation second) {
            encoder = grow(encoder, level);
            encoder[level - 1] = new Activation[] {first, second};
            return this;
        }

        /**
         * Sets one decoder level's activations, overriding {@link #decoderActivations} for that level.
         *
         * @param level  1 … N−1 ({@link #build()} fails when it exceeds N−1)
         * @param first  after the level's first 3×3 convolution
         * @param second after the level's second 3×3 convolution
         * @return this builder
         * @throws IllegalArgumentException when {@code level} is below 1
         */
        public Builder decoderLevel(int level, Activation first, Activation second) {
            decoder = grow(decoder, level);
            decoder[level - 1] = new Activation[] {first, second};
            return this;
        }

        private static Activation[][] grow(Activation[][] a, int level) {
            if (level < 1) {
                throw new IllegalArgumentException("UNetConfig: levels count from 1, got " + level);
            }
            return a.length >= level ? a : Arrays.copyOf(a, level);
        }

        /**
         * Sets the dropout rate of every level (placed as {@link #dropoutPlacement} says).
         *
         * @param perLevel one rate in [0, 1) per level 1 … N, exactly N of them (checked by {@link #build()}),
         *                 0 for none; {@code null} for no dropout at all (the default)
         * @return this builder
         */
        public Builder dropout(float... perLevel) {
            this.dropout = perLevel == null ? null : perLevel.clone();
            return this;
        }

        /**
         * Sets where the per-level dropout goes.
         *
         * @param p the placement (default {@link DropoutPlacement#BETWEEN_CONVS})
         * @return this builder
         */
        public Builder dropoutPlacement(DropoutPlacement p) {
            this.dropoutPlacement = p;
            return this;
        }

        /**
         * A 3×3 convolution to {@code channels} with {@code activation} before the final 1×1 convolution (the
         * Keras U-Net of paper 004: 2 channels, ReLU). 0 removes it.
         *
         * @param channels   its output channels, ≥ 0 (0: no such convolution, the default)
         * @param activation its activation
         * @return this builder
         */
        public Builder headHidden(int channels, Activation activation) {
            this.headHidden = channels;
            this.headHiddenActivation = activation;
            return this;
        }

        /**
         * Sets the head: a 1×1 convolution to {@code channels}, then {@code output}.
         *
         * @param channels K, the network's output channels (≥ 1; default 1)
         * @param output   the final activation (1 + sigmoid, or K + softmax; default sigmoid)
         * @return this builder
         */
        public Builder output(int channels, Output output) {
            this.outChannels = channels;
            this.output = output;
            return this;
        }

        /**
         * Sets the initialiser of every convolution kernel (biases start at zero).
         *
         * @param init the initialiser (default glorot_uniform)
         * @return this builder
         */
        public Builder kernelInitializer(Initializer init) {
            this.kernelInit = init;
            return this;
        }

        /**
         * {@return the immutable configuration; later changes to this builder do not affect it}
         *
         * @throws IllegalArgumentException when C_in, B or K is below 1, N is outside 1 … 12, the head's hidden
         *                                  channels are negative, a level's activations were set beyond the depth,
         *                                  or the dropout rates are not N values in [0, 1)
         */
        public UNetConfig build() {
            require(inChannels >= 1, "input channels must be >= 1, got " + inChannels);
            require(base >= 1, "base filters B must be >= 1, got " + base);
            require(depth >= 1, "depth N must be >= 1, got " + depth);
            require(depth <= 12, "depth N = " + depth + " is beyond any paper (at most 12)");
            require(outChannels >= 1, "output channels must be >= 1, got " + outChannels);
            require(headHidden >= 0, "head hidden channels must be >= 0, got " + headHidden);
            require(encoder.length <= depth, "encoder activations given for level " + encoder.length
                    + " of a depth-" + depth + " U-Net");
            require(decoder.length <= depth - 1, "decoder activations given for level " + decoder.length
                    + " of a depth-" + depth + " U-Net (decoder levels 1 … " + (depth - 1) + ")");
            if (dropout != null) {
                require(dropout.length == depth, "dropout needs one rate per level (" + depth + "), got "
                        + dropout.length + ": " + Arrays.toString(dropout));
                for (float p : dropout) {
                    require(p >= 0 && p < 1, "dropout rates must be in [0, 1), got " + Arrays.toString(dropout));
                }
            }
            return new UNetConfig(this);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException("UNetConfig: " + message);
            }
        }
    }

    /** {@return C_in, the input image's channels} */
    public int inChannels() {
        return inChannels;
    }

    /** {@return B, the filters of level 1} */
    public int base() {
        return base;
    }

    /** {@return N, the number of levels including the bottleneck} */
    public int depth() {
        return depth;
    }

    /** {@return whether every 3×3 convolution is followed by batch norm} */
    public boolean batchNorm() {
        return batchNorm;
    }

    /** {@return how the decoder doubles the resolution} */
    public UpMode upMode() {
        return upMode;
    }

    /** {@return the activation after the up-sampling's own convolution ({@link Activation#NONE} by default)} */
    public Activation upActivation() {
        return upActivation;
    }

    /**
     * {@return the activation after one convolution of an encoder level}
     *
     * @param level 1 … N
     * @param conv  1 or 2, the level's first or second 3×3 convolution
     * @throws ArrayIndexOutOfBoundsException when either is out of range
     */
    public Activation encoderActivation(int level, int conv) {
        return encoder[level - 1][conv - 1];
    }

    /**
     * {@return the activation after one convolution of a decoder level}
     *
     * @param level 1 … N−1
     * @param conv  1 or 2, the level's first or second 3×3 convolution
     * @throws ArrayIndexOutOfBoundsException when either is out of range
     */
    public Activation decoderActivation(int level, int conv) {
        return decoder[level - 1][conv - 1];
    }

    /**
     * {@return the dropout rate of a level, in [0, 1), 0 for none}
     *
     * @param level 1 … N
     * @throws ArrayIndexOutOfBoundsException when the level is out of range
     */
    public float dropout(int level) {
        return dropout[level - 1];
    }

    /** {@return where the per-level dropout goes} */
    public DropoutPlacement dropoutPlacement() {
        return dropoutPlacement;
    }

    /** {@return the channels of the head's 3×3 convolution before the 1×1, 0 when there is none} */
    public int headHidden() {
        return headHidden;
    }

    /** {@return the activation of the head's 3×3 convolution (unused when {@link #headHidden()} is 0)} */
    public Activation headHiddenActivation() {
        return headHiddenActivation;
    }

    /** {@return K, the network's output channels} */
    public int outChannels() {
        return outChannels;
    }

    /** {@return the head's final activation} */
    public Output output() {
        return output;
    }

    /** {@return the initialiser of every convolution kernel} */
    public Initializer kernelInitializer() {
        return kernelInit;
    }

    /**
     * {@return the filters of a level, B·2^(level−1)}
     *
     * @param level 1 … N (not checked)
     */
    public int filters(int level) {
        return base << (level - 1);
    }

    /** {@return 2^(N−1): the input's height and width must be multiples of it (one halving per pooling)} */
    public int sizeMultiple() {
        return 1 << (depth - 1);
    }

    @Override
    public String toString() {
        StringBuilder enc = new StringBuilder();
        for (Activation[] a : encoder) {
            enc.append(enc.length() == 0 ? "" : " ").append(a[0]).append('/').append(a[1]);
        }
        StringBuilder dec = new StringBuilder();
        for (Activation[] a : decoder) {
            dec.append(dec.length() == 0 ? "" : " ").append(a[0]).append('/').append(a[1]);
        }
        return "UNetConfig(in=" + inChannels + ", B=" + base + ", N=" + depth + ", bn=" + batchNorm + ", up=" + upMode
                + (upActivation != Activation.NONE && upMode != UpMode.NEAREST ? "+" + upActivation : "")
                + ", encoder=[" + enc + "], decoder=[" + dec + "], dropout=" + Arrays.toString(dropout)
                + " " + dropoutPlacement.name().toLowerCase(java.util.Locale.ROOT)
                + (headHidden > 0 ? ", head=conv3x3(" + headHidden + ", " + headHiddenActivation + ")" : "")
                + ", out=" + outChannels + " " + output + ", init=" + kernelInit + ")";
    }
}
