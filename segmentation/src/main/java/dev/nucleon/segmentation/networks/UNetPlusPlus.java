package dev.nucleon.segmentation.networks;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializer;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.layers.ConvTranspose2d;
import dev.nucleon.nn.layers.Dropout;
import dev.nucleon.nn.layers.MaxPool2d;
import dev.nucleon.nn.layers.Sequential;

/**
 * U-Net++ (Zhou et al. 2018, "UNet++: a nested U-Net architecture"), paper 004's control, as its authors'
 * Keras code builds it: x (N, C_in, H, W) → (N, 1, H, W), H and W multiples of 2^(depth−1).
 *
 * <p>Nodes X(i, j), level i = 0 … N−1 (filters f_i = B·2^i), column j = 0 … N−1−i. The backbone X(i, 0) is
 * a U-Net encoder (two 3×3 conv + ReLU per node, 2×2 max-pool between levels). Every other node is
 * X(i, j) = two 3×3 conv + ReLU over concat(ConvT2×2/2(X(i+1, j−1)) → f_i, X(i, 0), …, X(i, j−1)), so its
 * first convolution sees (j + 1)·f_i channels. The head is a 1×1 convolution + sigmoid on X(0, N−1) (no deep
 * supervision, as paper 004 trains it). Dropout (0.5 in the reference code) follows every convolution;
 * kernels are He-normal. Paper 004 adds L2 weight decay 1e-4 at B = 16 (0 at B = 8): a training option, see
 * {@link #WEIGHT_DECAY_B16}.
 *
 * <p>Weights: B = 16 → 2,261,601, B = 8 → 566,001 (1 input channel, N = 5; paper 004's 2.262M / 0.566M).
 *
 * <p>Children: {@code x0_0} … (node blocks, named X(i, j) → {@code xi_j}), {@code pool0} …,
 * {@code up0_1} … (the transposed convolution feeding X(i, j)), {@code head}.
 */
public final class UNetPlusPlus extends Module {

    /** L2 regularisation factor paper 004 uses for U-Net++ at B = 16 (following Zhou et al.). */
    public static final double WEIGHT_DECAY_B16 = 1e-4;
    /** Dropout rate after every convolution in the reference code. */
    public static final float DEFAULT_DROPOUT = 0.5f;

    private final int inChannels;
    private final int base;
    private final int depth;
    private final Module[][] nodes;
    private final Module[][] ups;
    private final Module[] pools;
    private final Module head;

    /**
     * Depth 5, one output channel, He-normal kernels, dropout 0.5.
     *
     * @param inChannels C_in, channels of the input image (≥ 1)
     * @param base       B, the filters of level 0 (≥ 1)
     * @throws IllegalArgumentException when a count is below 1
     */
    public UNetPlusPlus(int inChannels, int base) {
        this(inChannels, base, 5, DEFAULT_DROPOUT, Initializers.heNormal());
    }

    /**
     * One output channel.
     *
     * @param inChannels C_in, channels of the input image (≥ 1)
     * @param base       B, the filters of level 0 (≥ 1)
     * @param depth      the number of levels, 2 … 12
     * @param dropout    the rate after every convolution, in [0, 1)
     * @param init       the initialiser of every convolution kernel
     * @throws IllegalArgumentException when a count or the rate is out of range
     */
    public UNetPlusPlus(int inChannels, int base, int depth, float dropout, Initializer init) {
        this(inChannels, base, depth, dropout, 1, init);
    }

    /**
     * Every choice explicit.
     *
     * @param inChannels C_in, channels of the input image (≥ 1)
     * @param base       B, the filters of level 0 (≥ 1)
     * @param depth      the number of levels, 2 … 12
     * @param dropout    the rate after every convolution, in [0, 1)
     * @param classes    output channels of the 1×1 head (≥ 1: 1 in paper 004; 2 for the instance-aware heads)
     * @param init       the initialiser of every convolution kernel
     * @throws IllegalArgumentException when a count or the rate is out of range
     */
    public UNetPlusPlus(int inChannels, int base, int depth, float dropout, int classes, Initializer init) {
        if (classes < 1) {
            throw new IllegalArgumentException("UNetPlusPlus: need classes >= 1, got " + classes);
        }
        if (inChannels < 1 || base < 1 || depth < 2 || depth > 12) {
            throw new IllegalArgumentException("UNetPlusPlus: need input channels >= 1, B >= 1, depth in 2 … 12, got "
                    + inChannels + ", " + base + ", " + depth);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("UNetPlusPlus: dropout must be in [0, 1), got " + dropout);
        }
        this.inChannels = inChannels;
        this.base = base;
        this.depth = depth;
        this.nodes = new Module[depth][];
        this.ups = new Module[depth][];
        this.pools = new Module[depth - 1];
        for (int i = 0; i < depth; i++) {
            nodes[i] = new Module[depth - i];
            ups[i] = new Module[depth - i];
        }
        // registration in the reference code's order: the backbone, then column by column
        for (int i = 0; i < depth; i++) {
            int in = i == 0 ? inChannels : filters(i - 1);
            nodes[i][0] = registerModule("x" + i + "_0", unit(in, filters(i), dropout, init));
            if (i < depth - 1) {
                pools[i] = registerModule("pool" + i, new MaxPool2d(2));
            }
        }
        for (int j = 1; j < depth; j++) {
            for (int i = 0; i < depth - j; i++) {
                ups[i][j] = registerModule("up" + i + "_" + j,
                        ConvTranspose2d.builder(filters(i + 1), filters(i), 2).stride(2).kernelInitializer(init).build());
                nodes[i][j] = registerModule("x" + i + "_" + j, unit((j + 1) * filters(i), filters(i), dropout, init));
            }
        }
        head = registerModule("head", new Sequential(
                dev.nucleon.nn.layers.Conv2d.builder(filters(0), classes, 1).kernelInitializer(init).build(),
                Output.SIGMOID.create()));
    }

    /** Zhou's {@code standard_unit}: conv3×3 + ReLU, dropout, conv3×3 + ReLU, dropout. */
    private static Sequential unit(int in, int out, float dropout, Initializer init) {
        Sequential s = UNet.convBlock(in, out, Activation.RELU, Activation.RELU, dropout, false, init);
        if (dropout > 0) {
            s.append(new Dropout(dropout));
        }
        return s;
    }

    /**
     * {@return f_i = B·2^i, the filters of level i}
     *
     * @param level i, from 0 (not checked)
     */
    public int filters(int level) {
        return base << level;
    }

    /**
     * @param x (N, C_in, H, W)
     * @return (N, 1, H, W) probabilities
     */
    @Override
    protected Tensor compute(Tensor x) {
        UNet.requireInput("UNetPlusPlus", x, inChannels, 1 << (depth - 1), "depth " + depth);
        Tensor[][] out = new Tensor[depth][];
        for (int i = 0; i < depth; i++) {
            out[i] = new Tensor[depth - i];
        }
        Tensor y = x;
        for (int i = 0; i < depth; i++) {
            y = nodes[i][0].forward(y);
            out[i][0] = y;
            if (i < depth - 1) {
                y = pools[i].forward(y);
            }
        }
        // X(i, j) = node(concat(up(X(i + 1, j − 1)), X(i, 0), …, X(i, j − 1))), column by column
        for (int j = 1; j < depth; j++) {
            for (int i = 0; i < depth - j; i++) {
                Tensor[] parts = new Tensor[j + 1];
                parts[0] = ups[i][j].forward(out[i + 1][j - 1]);
                System.arraycopy(out[i], 0, parts, 1, j);
                out[i][j] = nodes[i][j].forwardConcat(parts);
            }
        }
        return head.forward(out[0][depth - 1]);
    }

    @Override
    protected String extraRepr() {
        return "B=" + base + ", N=" + depth;
    }
}
