package dev.nucleon.segmentation.networks;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Shaping;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializer;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.ConvTranspose2d;
import dev.nucleon.nn.layers.ReLU;
import dev.nucleon.nn.layers.Sequential;
import dev.nucleon.nn.layers.Upsample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * U-Net+ (paper 004, Long 2020): a U-Net whose encoder is a grid of densely wired convolution and
 * down-sampling blocks, x (N, C_in, H, W) → (N, 1, H, W), H and W multiples of 2^(depth−1).
 *
 * <h2>Our reading of Fig. 5a</h2>
 * The figure is not in the text; this wiring follows every statement the text makes about it and
 * reproduces all four published weight counts to within 0.07 % (see the table below). Blocks: C(n, k) is a
 * 3×3 stride-1 convolution + bias → batch norm → ReLU with f_n = B·2^(n−1) filters; D(n, k) is the same
 * with stride 2, taking level n to level n+1 with f_(n+1) filters; a block's input is the concatenation of
 * every block wired into it. With N levels, cells (n, k) for n + k ≤ N sit in a triangle:
 * <ul>
 *   <li>Cell (1, 0) is C10, the first convolution of the image. Every other cell has k ≥ 1.</li>
 *   <li>The input of cell (n, k) is concat(C(n, k−1), D(n−1, k)): its left neighbour at the same level and the
 *       down-sampling block above it, whichever exist (level 1 has no D above; column 1 has no C to the
 *       left below level 1). Column 1 is therefore a strided-convolution backbone C10 → D11 → D21 → D31 →
 *       D41, and the "intermediate" blocks C22, C23, C32 … see two f_n-channel inputs, i.e. 2c×3×3×c kernels,
 *       as the text says of C23.</li>
 *   <li>Each cell has a C block (to its right neighbour) and, below level N, a D block reading the same
 *       input (to the cell below): so C12 → D13 → D23 (D23 reads concat(C22, D13)), the text's
 *       "C10 → C11 → C12 → D13 → D23 → U2" pathway.</li>
 *   <li>The decoder sits on the diagonal n + k = N + 1: the up-sampling block U(n) occupies cell (n+1, N−n)
 *       and reads concat(U(n+1), C(n+1, N−n−1), D(n, N−n)) — the deeper up-sampling block, the encoded
 *       features of its own level and the shallower features brought down by D — exactly the three inputs the
 *       text lists for U2. Level N holds no convolution: its only block is D(N−1, 1) (D41 with 16B filters,
 *       "which also explains why N = 5"), feeding U(N−1).</li>
 *   <li>U(n) up-samples to level n and applies two conv blocks with f_n filters. T.C.: a 3×3 transposed
 *       convolution with stride 2 (the text's "stride (1, 1)" cannot double the size), + bias, ReLU, no batch
 *       norm, to f_n channels, then two f_n → f_n conv blocks. U.S.: nearest ×2 (channels kept), then conv
 *       blocks in → f_n and f_n → f_n. Either way T.C. − U.S. = 9·f_n² + f_n weights per block, which is
 *       the published 0.196M (B = 16) and 0.049M (B = 8) difference.</li>
 *   <li>The head C1N (C15) is a 1×1 convolution + sigmoid over concat(C1(N−1), U1): level 1's features after
 *       "several more convolutional operations" (C11 … C14) meet the decoded ones.</li>
 * </ul>
 *
 * <table>
 *   <caption>weights, 1 input channel, N = 5</caption>
 *   <tr><th></th><th>ours</th><th>paper</th></tr>
 *   <tr><td>B = 16, T.C.</td><td>1,926,065</td><td>1.926M</td></tr>
 *   <tr><td>B = 16, U.S.</td><td>1,729,985</td><td>1.730M</td></tr>
 *   <tr><td>B = 8, T.C.</td><td>483,801</td><td>0.484M</td></tr>
 *   <tr><td>B = 8, U.S.</td><td>434,721</td><td>0.435M</td></tr>
 * </table>
 * (With batch norm also after the transposed convolution the T.C. counts would be 1,927,025 and 484,281,
 * which round to 1.927M and 0.484M: the published 1.926M favours no batch norm there.)
 *
 * <p>Children are named after the figure: {@code c1_0}, {@code c1_1}, {@code d1_1}, …, {@code u4} …
 * {@code u1}, {@code c1_5} (the head).
 */
public final class UNetPlus extends Module {

    private final int inChannels;
    private final int base;
    private final int depth;
    private final boolean transposed;
    /** Encoder cells in computation order (column by column, top to bottom). */
    private final List<int[]> cells = new ArrayList<>();
    private final Map<String, Module> blocks = new LinkedHashMap<>();
    private final Module[] ups;
    private final Module head;

    /**
     * Depth 5, one output channel, Keras's glorot_uniform kernels.
     *
     * @param inChannels C_in, channels of the input image (≥ 1)
     * @param base       B, the filters of level 1 (≥ 1)
     * @param upMode     {@link UpMode#TRANSPOSED} (T.C.) or {@link UpMode#NEAREST} (U.S.)
     * @throws IllegalArgumentException when a count is out of range or the mode is {@link UpMode#NEAREST_CONV}
     */
    public UNetPlus(int inChannels, int base, UpMode upMode) {
        this(inChannels, base, 5, upMode, Initializers.glorotUniform());
    }

    /**
     * One output channel.
     *
     * @param inChannels C_in, channels of the input image (≥ 1)
     * @param base       B, the filters of level 1 (≥ 1)
     * @param depth      the number of levels, 2 … 12
     * @param upMode     {@link UpMode#TRANSPOSED} (T.C.) or {@link UpMode#NEAREST} (U.S.)
     * @param init       the initialiser of every convolution kernel
     * @throws IllegalArgumentException when a count is out of range or the mode is {@link UpMode#NEAREST_CONV}
     */
    public UNetPlus(int inChannels, int base, int depth, UpMode upMode, Initializer init) {
        this(inChannels, base, depth, upMode, 1, init);
    }

    /**
     * Every choice explicit.
     *
     * @param inChannels C_in, channels of the input image (≥ 1)
     * @param base       B, the filters of level 1 (≥ 1)
     * @param depth      the number of levels, 2 … 12
     * @param upMode     {@link UpMode#TRANSPOSED} (T.C.) or {@link UpMode#NEAREST} (U.S.)
     * @param classes    output channels of the 1×1 head (≥ 1: 1 in paper 004; 2 for the instance-aware heads)
     * @param init       the initialiser of every convolution kernel
     * @throws IllegalArgumentException when a count is out of range or the mode is {@link UpMode#NEAREST_CONV}
     */
    public UNetPlus(int inChannels, int base, int depth, UpMode upMode, int classes, Initializer init) {
        if (classes < 1) {
            throw new IllegalArgumentException("UNetPlus: need classes >= 1, got " + classes);
        }
        if (inChannels < 1 || base < 1 || depth < 2 || depth > 12) {
            throw new IllegalArgumentException("UNetPlus: need input channels >= 1, B >= 1, depth in 2 … 12, got "
                    + inChannels + ", " + base + ", " + depth);
        }
        if (upMode == UpMode.NEAREST_CONV) {
            throw new IllegalArgumentException("UNetPlus: up-sampling is transposed (tc) or nearest (us), not " + upMode);
        }
        this.inChannels = inChannels;
        this.base = base;
        this.depth = depth;
        this.transposed = upMode == UpMode.TRANSPOSED;
        blocks.put(key('c', 1, 0), registerModule("c1_0", block(inChannels, filters(1), 1, init)));
        cells.add(new int[] {1, 0});
        for (int k = 1; k < depth; k++) {
            for (int n = 1; n + k <= depth; n++) {
                int in = inputChannels(n, k);
                blocks.put(key('c', n, k), registerModule("c" + n + "_" + k, block(in, filters(n), 1, init)));
                if (n < depth) {
                    blocks.put(key('d', n, k), registerModule("d" + n + "_" + k, block(in, filters(n + 1), 2, init)));
                }
                cells.add(new int[] {n, k});
            }
        }
        ups = new Module[depth];
        for (int n = depth - 1; n >= 1; n--) {
            // U(n+1) and C(n+1, N−n−1) exist below the deepest block; D(n, N−n) always
            int in = (n < depth - 1 ? 3 : 1) * filters(n + 1);
            int f = filters(n);
            Module u = transposed
                    ? new Sequential(ConvTranspose2d.builder(in, f, 3).stride(2).padding(1).outputPadding(1)
                            .kernelInitializer(init).build(), new ReLU(), block(f, f, 1, init), block(f, f, 1, init))
                    : new Sequential(new Upsample(2), block(in, f, 1, init), block(f, f, 1, init));
            ups[n] = registerModule("u" + n, u);
        }
        head = registerModule("c1_" + depth, new Sequential(
                Conv2d.builder(2 * filters(1), classes, 1).kernelInitializer(init).build(), Output.SIGMOID.create()));
    }

    /** Channels entering cell (n, k): C(n, k−1) and D(n−1, k), whichever exist. */
    private int inputChannels(int n, int k) {
        int c = 0;
        if (hasCell(n, k - 1)) {
            c += filters(n);
        }
        if (n > 1 && hasCell(n - 1, k)) {
            c += filters(n);
        }
        return c;
    }

    private boolean hasCell(int n, int k) {
        return n >= 1 && k >= 0 && n + k <= depth && (k >= 1 || n == 1);
    }

    /** A conv block: 3×3 conv (stride 1, or 2 for a down-sampling block) + bias → batch norm → ReLU. */
    private static Sequential block(int in, int out, int stride, Initializer init) {
        return new Sequential(Conv2d.builder(in, out, 3).stride(stride).padding(1).kernelInitializer(init).build(),
                new BatchNorm2d(out), new ReLU());
    }

    private static String key(char kind, int n, int k) {
        return kind + "" + n + "_" + k;
    }

    /**
     * {@return f_n = B·2^(n−1), the filters of level n}
     *
     * @param level n, from 1 (not checked)
     */
    public int filters(int level) {
        return base << (level - 1);
    }

    /**
     * @param x (N, C_in, H, W)
     * @return (N, 1, H, W) probabilities
     */
    @Override
    protected Tensor compute(Tensor x) {
        UNet.requireInput("UNetPlus", x, inChannels, 1 << (depth - 1), "depth " + depth);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int[] cell : cells) {
            int n = cell[0];
            int k = cell[1];
            Tensor in = n == 1 && k == 0 ? x : cellInput(out, n, k);
            out.put(key('c', n, k), blocks.get(key('c', n, k)).forward(in));
            Module d = blocks.get(key('d', n, k));
            if (d != null) {
                out.put(key('d', n, k), d.forward(in));
            }
        }
        Tensor u = null;
        for (int n = depth - 1; n >= 1; n--) {
            // cell (n+1, N−n): U(n+1) (from below), C(n+1, N−n−1) (left), D(n, N−n) (above)
            List<Tensor> parts = new ArrayList<>();
            if (u != null) {
                parts.add(u);
            }
            Tensor left = out.get(key('c', n + 1, depth - n - 1));
            if (left != null) {
                parts.add(left);
            }
            parts.add(out.get(key('d', n, depth - n)));
            u = ups[n].forward(parts.size() == 1 ? parts.get(0) : Shaping.concat(1, parts.toArray(new Tensor[0])));
        }
        return head.forward(Shaping.concat(1, out.get(key('c', 1, depth - 1)), u));
    }

    private static Tensor cellInput(Map<String, Tensor> out, int n, int k) {
        Tensor left = out.get(key('c', n, k - 1));
        Tensor above = out.get(key('d', n - 1, k));
        if (left == null) {
            return above;
        }
        return above == null ? left : Shaping.concat(1, left, above);
    }

    /** {@return the up-sampling: {@link UpMode#TRANSPOSED} or {@link UpMode#NEAREST}} */
    public UpMode upMode() {
        return transposed ? UpMode.TRANSPOSED : UpMode.NEAREST;
    }

    @Override
    protected String extraRepr() {
        return "B=" + base + ", N=" + depth + ", up=" + (transposed ? "tc" : "us");
    }
}
