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

        /** {@return channels of the input image (1 gray, 3 RGB)} */
        public Builder inChannels(int c) {
            this.inChannels = c;
            return this;
        }

        /** {@return B, the filters of level 1 (level n has B·2^(n−1))} */
        public Builder base(int b) {
            this.base = b;
            return this;
        }

        /** {@return N, the number of levels including the bottleneck (N − 1 poolings)} */
        public Builder depth(int n) {
            this.depth = n;
            return this;
        }

        /** {@return batch norm after every 3×3 convolution (before its activation), as paper 002} */
        public Builder batchNorm(boolean on) {
            this.batchNorm = on;
            return this;
        }

        public Builder upMode(UpMode mode) {
            this.upMode = mode;
            return this;
        }

        /**
         * The activation after the up-sampling's own convolution ({@link UpMode#TRANSPOSED},
         * {@link UpMode#NEAREST_CONV}); ignored for {@link UpMode#NEAREST}. Default none.
         */
        public Builder upActivation(Activation a) {
            this.upActivation = a;
            return this;
        }

        /** {@return the same activation on every 3×3 convolution of encoder and decoder} */
        public Builder activation(Activation a) {
            return encoderActivations(a, a).decoderActivations(a, a);
        }

        /** {@return every encoder level (1 … N, the bottleneck included): first and second convolution} */
        public Builder encoderActivations(Activation first, Activation second) {
            this.encoderDefault = new Activation[] {first, second};
            this.encoder = new Activation[0][];
            return this;
        }

        /** {@return every decoder level (N−1 … 1): first and second convolution} */
        public Builder decoderActivations(Activation first, Activation second) {
            this.decoderDefault = new Activation[] {first, second};
            this.decoder = new Activation[0][];
            return this;
        }

        /** {@return one encoder level's activations, level in 1 … N (overrides {@link #encoderActivations})} */
        public Builder encoderLevel(int level, Activation first, Activation second) {
            encoder = grow(encoder, level);
            encoder[level - 1] = new Activation[] {first, second};
            return this;
        }

        /** {@return one decoder level's activations, level in 1 … N−1 (overrides {@link #decoderActivations})} */
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

        /** {@return dropout rate per level 1 … N (exactly N values; 0 for none)} */
        public Builder dropout(float... perLevel) {
            this.dropout = perLevel == null ? null : perLevel.clone();
            return this;
        }

        public Builder dropoutPlacement(DropoutPlacement p) {
            this.dropoutPlacement = p;
            return this;
        }

        /**
         * A 3×3 convolution to {@code channels} with {@code activation} before the final 1×1 convolution (the
         * Keras U-Net of paper 004: 2 channels, ReLU). 0 removes it.
         */
        public Builder headHidden(int channels, Activation activation) {
            this.headHidden = channels;
            this.headHiddenActivation = activation;
            return this;
        }

        /**
         * {@return the head: a 1×1 convolution to {@code channels}, then {@code output} (1 + sigmoid, or K + softmax)}
         */
        public Builder output(int channels, Output output) {
            this.outChannels = channels;
            this.output = output;
            return this;
        }

        /** {@return the initialiser of every convolution kernel (biases start at zero)} */
        public Builder kernelInitializer(Initializer init) {
            this.kernelInit = init;
            return this;
        }

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

    public int inChannels() {
        return inChannels;
    }

    public int base() {
        return base;
    }

    public int depth() {
        return depth;
    }

    public boolean batchNorm() {
        return batchNorm;
    }

    public UpMode upMode() {
        return upMode;
    }

    public Activation upActivation() {
        return upActivation;
    }

    /** {@return activation of encoder level {@code level} (1 … N), convolution {@code conv} (1 or 2)} */
    public Activation encoderActivation(int level, int conv) {
        return encoder[level - 1][conv - 1];
    }

    /** {@return activation of decoder level {@code level} (1 … N−1), convolution {@code conv} (1 or 2)} */
    public Activation decoderActivation(int level, int conv) {
        return decoder[level - 1][conv - 1];
    }

    /** {@return dropout rate of level {@code level} (1 … N)} */
    public float dropout(int level) {
        return dropout[level - 1];
    }

    public DropoutPlacement dropoutPlacement() {
        return dropoutPlacement;
    }

    public int headHidden() {
        return headHidden;
    }

    public Activation headHiddenActivation() {
        return headHiddenActivation;
    }

    public int outChannels() {
        return outChannels;
    }

    public Output output() {
        return output;
    }

    public Initializer kernelInitializer() {
        return kernelInit;
    }

    /** {@return filters of level {@code level} (1 … N): B·2^(level−1)} */
    public int filters(int level) {
        return base << (level - 1);
    }

    /** {@return input height and width must be multiples of this, 2^(N−1)} */
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
