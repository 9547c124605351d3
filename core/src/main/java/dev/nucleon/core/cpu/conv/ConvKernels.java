package dev.nucleon.core.cpu.conv;

import dev.nucleon.core.cpu.Elementwise;
import dev.nucleon.core.cpu.Parallel;
import dev.nucleon.core.cpu.Workspace;
import dev.nucleon.core.cpu.gemm.InnerProductKernel;
import dev.nucleon.core.cpu.gemm.MatrixPanels;
import dev.nucleon.core.cpu.gemm.PanelSource;
import dev.nucleon.core.cpu.gemm.Sgemm;
import dev.nucleon.core.cpu.gemm.SgemmKernel;

import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.Epilogue;

import java.util.Arrays;

/**
 * 2-D convolution on {@code float[]} arrays in the layouts of {@link ConvGeometry}: forward, and the two
 * backward passes. Outputs are overwritten.
 *
 * <h2>Which method computes the forward pass (the shape rule, {@link #usesDirect})</h2>
 * Stride 1 in both directions, except pointwise (1×1 unpadded) convolutions and narrow images with many
 * output channels: {@link DirectConv}, a direct convolution that reads the (zero-padded) image in place,
 * with no im2col packing. Everything else: im2col + GEMM, below. Backward data with stride 1 is a forward convolution (see below), so it
 * takes the direct path too.
 *
 * <h2>Method: im2col + matrix products, the im2col matrix never stored whole</h2>
 * For image n and group g, with {@code K = C_in/groups·kH·kW} and {@code P = H_out·W_out}
 * ({@link Im2col} defines col, a K × P matrix):
 * <pre>
 *   forward          y[n,g]  (C_out/G × P) =  W_g (C_out/G × K) · col[n,g] (K × P)       (+ bias)
 *   backward data    gx[n,g]               =  col2im( W_gᵀ (K × C_out/G) · gy[n,g] (C_out/G × P) )
 *   backward weight  gW_g   (C_out/G × K) =  Σ_n  gy[n,g] (C_out/G × P) · col[n,g]ᵀ (P × K)
 * </pre>
 * Forward runs on {@link Sgemm}'s blocked kernel with col as an {@link Im2colPanels}: GEMM packing gathers
 * straight from the image. Backward data with stride 1 is itself a convolution ("full" convolution of gy
 * with flipped weights) and goes through forward; otherwise the product lands in a column buffer of at
 * most {@link #COLUMN_BUFFER_FLOATS} floats per thread and col2im scatters it. Backward weight sums over
 * positions, along which gy rows and im2col rows are both contiguous, so it uses the
 * {@link InnerProductKernel} on gy in place and on blocks of gathered im2col rows, with no transposing; at
 * stride 1 on images at least {@link #WEIGHT_BAND_MIN_WIDTH} wide the im2col rows are not gathered but read as
 * windows of a zero-padded band of input rows ({@link #usesWeightBand}).
 * 1×1 stride-1 unpadded convolutions skip im2col entirely: col is the image itself.
 *
 * <h2>Tiling and threads</h2>
 * The P output positions of an image are cut into tiles of whole slivers; the work items
 * (image × group × tile) are spread over {@link Parallel}'s threads. Workspace per thread is bounded by
 * the blocking sizes (packed panels ≈ 2.4 MiB, column buffer ≤ 4 MiB), not by the image: a 1024×1024
 * image with 64 channels allocates nothing large (one exception: {@link SubPixelTranspose}, which backward data
 * and transposed convolutions take for strides above 1 on wide images, allocates its phase outputs, as many
 * floats as the result). Backward data tiles over positions but parallelises over
 * (image × group × input-channel block), because neighbouring position tiles scatter into overlapping
 * pixels while distinct input channels never do. Backward weight sums over images and tiles, so each chunk
 * of items (claimed by whichever thread is free) accumulates into its own partial gW and the partials are
 * added at the end, in chunk order.
 * When a forward or backward-data call has fewer work items than threads, the GEMM inside parallelises
 * instead.
 */
public final class ConvKernels {

    /** Most output positions per forward tile: B̃ = kc × 1024 floats (≤ 2 MiB); 512 and 256 measured no better. */
    static final int FORWARD_TILE = 1024;
    /**
     * Most output positions per backward-weight tile, the length of each inner product: long enough to
     * amortise the horizontal sums (measured 2048 / 4096 / 8192 → 73 / 79 / 76 GFLOP/s, one thread).
     */
    static final int WEIGHT_TILE = 4096;
    /**
     * Backward weight's partial sums per thread: each a chunk of work items with its own partial gW, claimed
     * dynamically. 2 per thread evens out a thread slowed by another process at the cost of more partials to add.
     */
    static final int WEIGHT_CHUNKS_PER_THREAD = 2;
    /** {@link #usesWeightBand}: output widths from which backward weight reads a padded band instead of im2col rows. */
    static final int WEIGHT_BAND_MIN_WIDTH = 32;
    /** {@link #usesWeightBand}: im2col rows (C_in/G · kH · kW) from which the band pays. */
    static final int WEIGHT_BAND_MIN_ROWS = 16;
    /** im2col rows gathered at a time for backward weight: 32 × 4096 floats = 512 KiB per thread. */
    static final int WEIGHT_COLUMN_ROWS = 32;
    /** Bound on backward data's per-thread column buffer (K_block × tile floats): 4 MiB. */
    static final int COLUMN_BUFFER_FLOATS = 1 << 20;
    /** Tiles are whole multiples of this many positions (a multiple of every micro-kernel's NR). */
    private static final int TILE_ALIGN = 32;
    /** Work items to aim for per thread, so uneven items still balance. */
    private static final int ITEMS_PER_THREAD = 4;
    /** {@link #usesDirect}: output widths from which the direct path always wins. */
    static final int DIRECT_MIN_WIDTH = 32;
    /** {@link #usesDirect}: below {@link #DIRECT_MIN_WIDTH}, output channels per group from which GEMM wins. */
    static final int GEMM_MIN_CHANNELS = 128;

    private ConvKernels() {
    }

    /**
     * {@code y[n, co, oh, ow] = bias[co] + Σ_{ci, kh, kw} w[co, ci, kh, kw] ·
     * x[n, g·C_in/G + ci, oh·sH − pH + kh·dH, ow·sW − pW + kw·dW]} (zero outside the image).
     *
     * @param g    the sizes
     * @param x    (N, C_in, H, W)
     * @param w    (C_out, C_in/groups, kH, kW)
     * @param bias (C_out), or null for none
     * @param y    (N, C_out, H_out, W_out), overwritten
     */
    public static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        forward(SgemmKernel.preferred(), g, x, w, bias, y, Epilogue.NONE);
    }

    /**
     * {@link #forward} followed by {@code epilogue}, applied to each output tile as it is written.
     *
     * @param g        the sizes
     * @param x        (N, C_in, H, W)
     * @param w        (C_out, C_in/groups, kH, kW)
     * @param bias     (C_out), or null for none
     * @param y        (N, C_out, H_out, W_out), overwritten
     * @param epilogue the activation f, or {@link Epilogue#NONE}
     */
    public static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, Epilogue epilogue) {
        forward(SgemmKernel.preferred(), g, x, w, bias, y, epilogue);
    }

    public static void forward(SgemmKernel kernel, ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        forward(kernel, g, x, w, bias, y, Epilogue.NONE);
    }

    public static void forward(SgemmKernel kernel, ConvGeometry g, float[] x, float[] w, float[] bias, float[] y,
                        Epilogue epilogue) {
        requireSize("conv2d forward", "x", x, g.inputShape());
        requireWeightsAndOutput("conv2d forward", g, w, bias, y);
        if (usesDirect(g)) {
            DirectConv.forward(DirectConvKernel.matching(kernel, g.outChannels() / g.groups()), g, x, w, bias, y, epilogue);
        } else {
            forwardGemm(kernel, g, x, w, bias, y, epilogue);
        }
    }

    /**
     * {@link #forward} of the channel concatenation of {@code parts} (part p: (N, partChannels[p], H, W)), read in
     * place by {@link DirectConv}; only for geometries it computes ({@link #usesDirect}): for the others the
     * CPU backend joins the parts first (the {@code Backend} default).
     */
    public static void forward(ConvGeometry g, float[][] parts, int[] partChannels, float[] w, float[] bias, float[] y,
                        Epilogue epilogue) {
        if (!usesDirect(g)) {
            throw new IllegalArgumentException("conv2d forward over channel parts: not a direct-path geometry " + g);
        }
        for (int p = 0; p < parts.length; p++) {
            requireSize("conv2d forward", "part " + p, parts[p], new int[] {g.n(), partChannels[p], g.height(), g.width()});
        }
        requireWeightsAndOutput("conv2d forward", g, w, bias, y);
        DirectConv.forward(DirectConvKernel.matching(SgemmKernel.preferred(), g.outChannels() / g.groups()), g, parts,
                partChannels, w, bias, y, epilogue);
    }

    /**
     * Which forward method computes {@code g}: {@link DirectConv} for stride 1, except pointwise (1×1,
     * unpadded) convolutions, which the GEMM reads in place already, and narrow images
     * (W_out &lt; {@link #DIRECT_MIN_WIDTH}) with many output channels (C_out/G ≥ {@link #GEMM_MIN_CHANNELS}),
     * where the GEMM packs each im2col panel once for ≥ 16 channel blocks while the direct path loses
     * 2·pW of every W + 2·pW columns and a partial tile per band. im2col + GEMM otherwise.
     * Measured on the unet shapes (2 threads, AVX-512): direct 1.5–2.2× faster at 256² with 1–32
     * channels, 1.2–1.4× at 64²–128², 1.0–1.2× at 32²; at 16² with 256 channels GEMM 1.2× faster.
     */
    public static boolean usesDirect(ConvGeometry g) {
        if (!DirectConv.supports(g) || new Sizes(g).pointwise) {
            return false;
        }
        return g.outWidth() >= DIRECT_MIN_WIDTH || g.outChannels() / g.groups() < GEMM_MIN_CHANNELS;
    }

    /** The im2col + GEMM forward (any geometry); sizes already checked. */
    static void forwardGemm(SgemmKernel kernel, ConvGeometry g, float[] x, float[] w, float[] bias, float[] y,
                            Epilogue epilogue) {
        Sizes s = new Sizes(g);
        Im2col im2col = new Im2col(g);
        int tile = tileSize(s.positions, g.n() * g.groups(), FORWARD_TILE);
        int tiles = ceilDiv(s.positions, tile);
        Parallel.range(g.n() * g.groups() * tiles, 1, (from, to) -> {
            for (int item = from; item < to; item++) {
                int n = item / (g.groups() * tiles);
                int group = item / tiles % g.groups();
                int q0 = item % tiles * tile;
                int count = Math.min(tile, s.positions - q0);
                // W_g is (C_out/G × K) row-major, so op(A)ᵀ = W_gᵀ is stored transposed
                PanelSource weights = new MatrixPanels(w, group * s.outPerGroup * s.k, s.k, true);
                int xOffset = (n * g.inChannels() + group * s.inPerGroup) * s.pixels;
                PanelSource columns = s.pointwise
                        ? new MatrixPanels(x, xOffset + q0, s.pixels, false)
                        : new Im2colPanels(im2col, x, xOffset, q0);
                int yOffset = (n * g.outChannels() + group * s.outPerGroup) * s.positions + q0;
                Sgemm.multiply(kernel, weights, columns, s.outPerGroup, count, s.k, y, yOffset, s.positions, false);
                for (int co = 0; co < s.outPerGroup; co++) {
                    int row = yOffset + co * s.positions;
                    if (bias != null) {
                        float b = bias[group * s.outPerGroup + co];
                        for (int t = 0; t < count; t++) {
                            y[row + t] += b;
                        }
                    }
                    Elementwise.apply(epilogue, y, row, row + count);
                }
            }
        });
    }

    /**
     * Gradient with respect to the input: {@code gx = ∂⟨y, gy⟩/∂x}, the adjoint of {@link #forward} in x
     * (also the forward pass of a transposed convolution, see {@link ConvGeometry#forTranspose}).
     *
     * @param g  the sizes
     * @param gy (N, C_out, H_out, W_out)
     * @param w  (C_out, C_in/groups, kH, kW)
     * @param gx (N, C_in, H, W), overwritten
     */
    public static void backwardData(ConvGeometry g, float[] gy, float[] w, float[] gx) {
        backwardData(SgemmKernel.preferred(), g, gy, w, gx);
    }

    static void backwardData(SgemmKernel kernel, ConvGeometry g, float[] gy, float[] w, float[] gx) {
        transpose(kernel, g, gy, w, null, gx, Epilogue.NONE);
    }

    /**
     * The forward pass of a transposed convolution, {@code y = f(backwardData(x) + bias)}: x has g's output shape,
     * y g's input shape, bias (C_in) may be null, f = {@code epilogue}.
     *
     * <p>Three methods, by geometry: stride 1 → the full convolution below (a forward convolution, with bias
     * and f in its epilogue); stride &gt; 1 without dilation on images at least {@link SubPixelTranspose#MIN_WIDTH}
     * wide → {@link SubPixelTranspose} (stride² small convolutions, interleaved); otherwise GEMM + col2im, then
     * bias and f per channel.
     *
     * @param g        the geometry of the convolution being transposed ({@link ConvGeometry#forTranspose})
     * @param x        (N, C_out, H_out, W_out) in g's terms: the transposed convolution's input
     * @param w        (C_out, C_in/groups, kH, kW) in g's terms
     * @param bias     (C_in), or null for none
     * @param y        (N, C_in, H, W) in g's terms, overwritten
     * @param epilogue the activation f, or {@link Epilogue#NONE}
     */
    public static void transpose(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, Epilogue epilogue) {
        transpose(SgemmKernel.preferred(), g, x, w, bias, y, epilogue);
    }

    static void transpose(SgemmKernel kernel, ConvGeometry g, float[] x, float[] w, float[] bias, float[] y,
                          Epilogue epilogue) {
        String op = "conv2d backward data";
        requireSize(op, "gy", x, g.outputShape());
        requireSize(op, "w", w, g.weightShape());
        requireSize(op, "gx", y, g.inputShape());
        if (bias != null) {
            requireSize(op, "bias", bias, new int[] {g.inChannels()});
        }
        if (!new Sizes(g).pointwise && isFullConvolution(g)) {
            forward(kernel, fullConvolutionOf(g), x, flippedTransposed(g, w), bias, y, epilogue);
        } else if (SubPixelTranspose.preferred(g)) {
            SubPixelTranspose.compute(kernel, g, x, w, bias, y, epilogue);
        } else {
            backwardDataGemm(kernel, g, x, w, y);
            if (bias != null || !epilogue.isNone()) {
                int pixels = g.height() * g.width();
                Parallel.range(g.n() * g.inChannels(), 1, (from, to) -> {
                    for (int plane = from; plane < to; plane++) {
                        int start = plane * pixels;
                        if (bias != null) {
                            float b = bias[plane % g.inChannels()];
                            for (int i = start; i < start + pixels; i++) {
                                y[i] += b;
                            }
                        }
                        Elementwise.apply(epilogue, y, start, start + pixels);
                    }
                });
            }
        }
    }

    /** Backward data as GEMM + col2im (any geometry); sizes already checked. */
    static void backwardDataGemm(SgemmKernel kernel, ConvGeometry g, float[] gy, float[] w, float[] gx) {
        Sizes s = new Sizes(g);
        Im2col im2col = new Im2col(g);
        int kk = g.kernelH() * g.kernelW();
        // input-channel blocks: enough work items for the threads, and few enough rows that a column
        // buffer of COLUMN_BUFFER_FLOATS still holds a reasonably long tile (≥ 256 positions)
        int outer = g.n() * g.groups();
        int blocks = Math.min(s.inPerGroup, ceilDiv(Parallel.threads() * ITEMS_PER_THREAD, outer));
        blocks = Math.max(blocks, ceilDiv(s.inPerGroup * kk, COLUMN_BUFFER_FLOATS / 256));
        blocks = Math.min(blocks, s.inPerGroup);
        int channelsPerBlock = ceilDiv(s.inPerGroup, blocks);
        int blockCount = ceilDiv(s.inPerGroup, channelsPerBlock);
        Parallel.range(outer * blockCount, 1, (from, to) -> {
            for (int item = from; item < to; item++) {
                int n = item / (g.groups() * blockCount);
                int group = item / blockCount % g.groups();
                int c0 = item % blockCount * channelsPerBlock;
                int channels = Math.min(channelsPerBlock, s.inPerGroup - c0);
                int rows = channels * kk;
                // op(A) = W_g[:, rows of these channels]ᵀ; op(A)ᵀ = those columns of W_g, stored as is
                PanelSource weights = new MatrixPanels(w, group * s.outPerGroup * s.k + c0 * kk, s.k, false);
                int gyOffset = (n * g.outChannels() + group * s.outPerGroup) * s.positions;
                int gxOffset = (n * g.inChannels() + group * s.inPerGroup + c0) * s.pixels;
                if (s.pointwise) {
                    // col2im is the identity: write the product straight into gx
                    PanelSource grads = new MatrixPanels(gy, gyOffset, s.positions, false);
                    Sgemm.multiply(kernel, weights, grads, rows, s.positions, s.outPerGroup, gx, gxOffset, s.pixels, false);
                    continue;
                }
                Arrays.fill(gx, gxOffset, gxOffset + channels * s.pixels, 0f);
                int tile = Math.min(s.positions, Math.max(TILE_ALIGN, COLUMN_BUFFER_FLOATS / rows / TILE_ALIGN * TILE_ALIGN));
                float[] columns = Workspace.current().columns(rows * tile);
                for (int q0 = 0; q0 < s.positions; q0 += tile) {
                    int count = Math.min(tile, s.positions - q0);
                    PanelSource grads = new MatrixPanels(gy, gyOffset + q0, s.positions, false);
                    Sgemm.multiply(kernel, weights, grads, rows, count, s.outPerGroup, columns, 0, count, false);
                    for (int r = 0; r < rows; r++) {
                        im2col.scatterAddRow(columns, r * count, r, q0, count, gx, gxOffset);
                    }
                }
            }
        });
    }

    /**
     * Stride 1 and {@code pad ≤ dilation·(k − 1)}: backward data is then itself a convolution ("full"
     * convolution) of gy, and runs through {@link #forward} with no col2im. Substituting
     * {@code kh = kH − 1 − kh'} in the adjoint gives
     * <pre>
     *   gx[n, ci, ih, iw] = Σ_{co, kh', kw'} w[co, ci, kH−1−kh', kW−1−kw'] · gy[n, co, ih − p' + kh'·d, iw − p' + kw'·d]
     * </pre>
     * with {@code p' = d·(k − 1) − p ≥ 0}: a forward convolution of gy (C_out channels) with the flipped,
     * in/out-transposed weights (C_in × C_out/groups × kH × kW), padding p', same dilation and groups.
     * Measured 1.4× (64 channels) to 2.4× (16 channels) faster than GEMM + col2im, whose scattered adds
     * took a third of the time.
     */
    private static boolean isFullConvolution(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1
                && g.padH() <= g.dilationH() * (g.kernelH() - 1) && g.padW() <= g.dilationW() * (g.kernelW() - 1);
    }

    /** The geometry of the full convolution above: gy (N, C_out, H_out, W_out) → gx (N, C_in, H, W). */
    private static ConvGeometry fullConvolutionOf(ConvGeometry g) {
        return new ConvGeometry(g.n(), g.outChannels(), g.outHeight(), g.outWidth(), g.inChannels(),
                g.kernelH(), g.kernelW(), 1, 1,
                g.dilationH() * (g.kernelH() - 1) - g.padH(), g.dilationW() * (g.kernelW() - 1) - g.padW(),
                g.dilationH(), g.dilationW(), g.groups());
    }

    /** {@code wT[g·C_in/G + ci, co, kh', kw'] = w[g·C_out/G + co, ci, kH−1−kh', kW−1−kw']}. */
    private static float[] flippedTransposed(ConvGeometry g, float[] w) {
        int cinG = g.inChannels() / g.groups();
        int coutG = g.outChannels() / g.groups();
        int kh = g.kernelH();
        int kw = g.kernelW();
        int kk = kh * kw;
        float[] wT = new float[g.outChannels() * cinG * kk];
        for (int group = 0; group < g.groups(); group++) {
            for (int co = 0; co < coutG; co++) {
                for (int ci = 0; ci < cinG; ci++) {
                    int src = ((group * coutG + co) * cinG + ci) * kk;
                    int dst = ((group * cinG + ci) * coutG + co) * kk;
                    for (int k = 0; k < kk; k++) {
                        wT[dst + kk - 1 - k] = w[src + k]; // reversing the flattened kH·kW flips both axes
                    }
                }
            }
        }
        return wT;
    }

    /**
     * Gradient with respect to the weights: {@code gw = ∂⟨y, gy⟩/∂w}, i.e.
     * {@code gw[co, ci, kh, kw] = Σ_{n, oh, ow} gy[n, co, oh, ow] · x[n, g·C_in/G + ci, oh·sH − pH + kh·dH, ow·sW − pW + kw·dW]}.
     *
     * @param g  the sizes
     * @param x  (N, C_in, H, W)
     * @param gy (N, C_out, H_out, W_out)
     * @param gw (C_out, C_in/groups, kH, kW), overwritten
     */
    public static void backwardWeight(ConvGeometry g, float[] x, float[] gy, float[] gw) {
        backwardWeight(InnerProductKernel.preferred(), g, x, gy, gw);
    }

    static void backwardWeight(InnerProductKernel kernel, ConvGeometry g, float[] x, float[] gy, float[] gw) {
        String op = "conv2d backward weight";
        requireSize(op, "x", x, g.inputShape());
        requireSize(op, "gy", gy, g.outputShape());
        requireSize(op, "gw", gw, g.weightShape());
        Sizes s = new Sizes(g);
        Im2col im2col = new Im2col(g);
        int weightSize = g.outChannels() * s.k;
        boolean band = usesWeightBand(g, s);
        int tile = band ? bandTile(g) : tileSize(s.positions, g.n() * g.groups(), WEIGHT_TILE);
        int tiles = ceilDiv(s.positions, tile);
        int items = g.n() * g.groups() * tiles;
        // one partial sum per chunk of consecutive items, chunk 0 accumulating straight into gw; the threads claim
        // the chunks as they go (several per thread, so one slowed by another process takes fewer), and the
        // partials are added in chunk order, so the result does not depend on which thread ran which chunk
        int chunks = Math.min(items, Parallel.threads() * WEIGHT_CHUNKS_PER_THREAD);
        float[][] partials = new float[chunks][];
        Arrays.fill(gw, 0, weightSize, 0f);
        Parallel.range(chunks, 1, (fromChunk, toChunk) -> {
            for (int chunk = fromChunk; chunk < toChunk; chunk++) {
                float[] sum = chunk == 0 ? gw : new float[weightSize];
                partials[chunk] = sum;
                int first = (int) ((long) items * chunk / chunks);
                int last = (int) ((long) items * (chunk + 1) / chunks);
                for (int item = first; item < last; item++) {
                    int n = item / (g.groups() * tiles);
                    int group = item / tiles % g.groups();
                    int q0 = item % tiles * tile;
                    int count = Math.min(tile, s.positions - q0);
                    int gyOffset = (n * g.outChannels() + group * s.outPerGroup) * s.positions + q0;
                    int xOffset = (n * g.inChannels() + group * s.inPerGroup) * s.pixels;
                    int gwOffset = group * s.outPerGroup * s.k;
                    if (s.pointwise) {
                        // the im2col rows are the input channels themselves
                        innerProducts(kernel, count, gy, gyOffset, s.positions, s.outPerGroup,
                                x, xOffset + q0, s.pixels, s.k, sum, gwOffset, s.k);
                        continue;
                    }
                    if (band && weightFromBand(kernel, g, s, x, xOffset, gy, gyOffset, q0 / g.outWidth(),
                            count / g.outWidth(), sum, gwOffset)) {
                        continue;
                    }
                    int block = Math.min(s.k, WEIGHT_COLUMN_ROWS);
                    float[] columns = Workspace.current().columns(block * count);
                    for (int r0 = 0; r0 < s.k; r0 += block) {
                        int rows = Math.min(block, s.k - r0);
                        for (int r = 0; r < rows; r++) {
                            im2col.gatherRow(x, xOffset, r0 + r, q0, count, columns, r * count);
                        }
                        innerProducts(kernel, count, gy, gyOffset, s.positions, s.outPerGroup,
                                columns, 0, count, rows, sum, gwOffset + r0, s.k);
                    }
                }
            }
        });
        Parallel.range(weightSize, Elementwise.GRAIN, (from, to) -> {
            for (int chunk = 1; chunk < chunks; chunk++) {
                float[] partial = partials[chunk];
                for (int i = from; i < to; i++) {
                    gw[i] += partial[i];
                }
            }
        });
    }

    /**
     * Whether backward weight reads im2col rows as windows of a padded band ({@link #weightFromBand}) instead of
     * gathering them: stride 1, not pointwise, output rows at least {@link #WEIGHT_BAND_MIN_WIDTH} wide (on
     * narrower ones the band's padding columns cost as much as the gathering saves) and at least
     * {@link #WEIGHT_BAND_MIN_ROWS} im2col rows (with fewer, copying gy into the band's pitch costs more than it saves).
     * Measured on the U-Net's layers at batch 8, one thread: 256² × 8 → 8 channels 49 → 67 GFLOP/s, 128² × 16 → 16
     * 58 → 79, 64² × 32 → 32 61 → 81, 32² × 64 → 64 64 → 77, 16² × 128 → 128 47 either way, 256² × 1 → 8 35 → 28.
     */
    private static boolean usesWeightBand(ConvGeometry g, Sizes s) {
        return !s.pointwise && g.strideH() == 1 && g.strideW() == 1 && g.outWidth() >= WEIGHT_BAND_MIN_WIDTH
                && s.k >= WEIGHT_BAND_MIN_ROWS;
    }

    /**
     * The band path's tile: whole output rows, about {@link #WEIGHT_TILE} band positions (rows × padded pitch), and
     * enough tiles for the threads when the rows allow it.
     */
    private static int bandTile(ConvGeometry g) {
        int pitch = g.width() + 2 * g.padW();
        int rows = Math.max(1, Math.min(g.outHeight(), WEIGHT_TILE / pitch));
        int wanted = ceilDiv(Parallel.threads() * ITEMS_PER_THREAD, g.n() * g.groups());
        rows = Math.min(rows, Math.max(4, ceilDiv(g.outHeight(), wanted)));
        return Math.min(rows, g.outHeight()) * g.outWidth();
    }

    /**
     * One backward-weight work item (image, group, output rows [oh₀, oh₀ + rows)) at stride 1, with no im2col:
     * im2col row (ci, kh, kw) over a band of output rows is a window of the zero-padded input, so the item copies its
     * input rows once into a band (per channel: each row pW zeros, the W pixels, pW zeros, pitch W + 2·pW, then
     * dW·(kW − 1) zeros of slack) and gy's rows into the same pitch (the pitch − W_out extra columns zero):
     * <pre>
     *   gW[co, ci, kh, kw] += Σ_{p < rows·pitch} gyPadded[co][p] · band[ci][kh·dH·pitch + kw·dW + p]
     * </pre>
     * At p = r·pitch + ow with ow &lt; W_out that is gy[co, oh₀ + r, ow] · x[ci, oh₀ + r + kh·dH − pH, ow + kw·dW − pW]
     * (or 0 in the padding); the extra columns add 0 · (a band value), which is 0 unless that value is infinite or
     * NaN. So the item is summed into a temporary first: if it holds a NaN (whether from such a product or from the
     * data itself), the item returns false without adding anything and the caller gathers im2col rows for it; else
     * the temporary is added into {@code sum}. The band is kH·kW times smaller than the im2col rows it replaces,
     * whose copying took as long as the arithmetic for 8 output channels.
     *
     * @return false, having added nothing, when the band's sums hold a NaN
     */
    private static boolean weightFromBand(InnerProductKernel kernel, ConvGeometry g, Sizes s, float[] x, int xOffset,
                                          float[] gy, int gyOffset, int oh0, int rows, float[] sum, int gwOffset) {
        int height = g.height();
        int width = g.width();
        int padW = g.padW();
        int outW = g.outWidth();
        int pitch = width + 2 * padW; // = W_out + dW·(kW − 1) at stride 1
        int length = rows * pitch;
        int bandRows = rows + g.dilationH() * (g.kernelH() - 1);
        int planeLength = bandRows * pitch + g.dilationW() * (g.kernelW() - 1);
        Workspace workspace = Workspace.current();
        float[] band = workspace.columns(s.inPerGroup * planeLength);
        for (int ci = 0; ci < s.inPerGroup; ci++) {
            int plane = xOffset + ci * s.pixels;
            int base = ci * planeLength;
            for (int r = 0; r < bandRows; r++) {
                int ih = oh0 - g.padH() + r;
                int d = base + r * pitch;
                if (ih < 0 || ih >= height) {
                    Arrays.fill(band, d, d + pitch, 0f);
                } else {
                    Arrays.fill(band, d, d + padW, 0f);
                    System.arraycopy(x, plane + ih * width, band, d + padW, width);
                    Arrays.fill(band, d + padW + width, d + pitch, 0f);
                }
            }
            Arrays.fill(band, base + bandRows * pitch, base + planeLength, 0f);
        }
        float[] grads = workspace.gradientRows(s.outPerGroup * length);
        for (int co = 0; co < s.outPerGroup; co++) {
            for (int r = 0; r < rows; r++) {
                int d = co * length + r * pitch;
                System.arraycopy(gy, gyOffset + co * s.positions + r * outW, grads, d, outW);
                Arrays.fill(grads, d + outW, d + pitch, 0f);
            }
        }
        int kk = g.kernelH() * g.kernelW();
        int[] rowStart = new int[s.k]; // where im2col row (ci, kh, kw) starts in the band
        for (int k = 0; k < s.k; k++) {
            rowStart[k] = k / kk * planeLength + k % kk / g.kernelW() * g.dilationH() * pitch
                    + k % g.kernelW() * g.dilationW();
        }
        int size = s.outPerGroup * s.k;
        float[] item = workspace.weightItem(size);
        Arrays.fill(item, 0, size, 0f);
        int block = InnerProductKernel.BLOCK;
        for (int j = 0; j < s.k; j += block) {
            for (int i = 0; i < s.outPerGroup; i += block) {
                if (i + block <= s.outPerGroup && j + block <= s.k) {
                    kernel.multiplyAdd4x4(length, grads, i * length, length, band,
                            rowStart[j], rowStart[j + 1], rowStart[j + 2], rowStart[j + 3], item, i * s.k + j, s.k);
                } else {
                    for (int ii = i; ii < Math.min(s.outPerGroup, i + block); ii++) {
                        for (int jj = j; jj < Math.min(s.k, j + block); jj++) {
                            item[ii * s.k + jj] += kernel.dot(length, grads, ii * length, band, rowStart[jj]);
                        }
                    }
                }
            }
        }
        for (int i = 0; i < size; i++) {
            if (item[i] != item[i]) {
                return false;
            }
        }
        for (int i = 0; i < size; i++) {
            sum[gwOffset + i] += item[i];
        }
        return true;
    }

    /**
     * {@code C[i][j] += Σ_{p < length} A[i][p]·B[j][p]} for an m × n block of C, in 4 × 4 micro-tiles
     * (ragged edges entry by entry). A four-row strip of B is reused against every strip of A.
     */
    private static void innerProducts(InnerProductKernel kernel, int length,
                                      float[] a, int aOffset, int lda, int m,
                                      float[] b, int bOffset, int ldb, int n,
                                      float[] c, int cOffset, int ldc) {
        int block = InnerProductKernel.BLOCK;
        for (int j = 0; j < n; j += block) {
            for (int i = 0; i < m; i += block) {
                if (i + block <= m && j + block <= n) {
                    kernel.multiplyAdd4x4(length, a, aOffset + i * lda, lda, b, bOffset + j * ldb, ldb,
                            c, cOffset + i * ldc + j, ldc);
                } else {
                    for (int ii = i; ii < Math.min(m, i + block); ii++) {
                        for (int jj = j; jj < Math.min(n, j + block); jj++) {
                            c[cOffset + ii * ldc + jj] += kernel.dot(length, a, aOffset + ii * lda, b, bOffset + jj * ldb);
                        }
                    }
                }
            }
        }
    }

    /** Derived sizes of one convolution. */
    private static final class Sizes {
        final int inPerGroup;
        final int outPerGroup;
        /** Rows of the im2col matrix: C_in/G · kH · kW. */
        final int k;
        /** Output positions per image: H_out · W_out. */
        final int positions;
        /** Input pixels per channel: H · W. */
        final int pixels;
        /** 1×1, stride 1, no padding: the im2col matrix is the input itself. */
        final boolean pointwise;

        Sizes(ConvGeometry g) {
            inPerGroup = g.inChannels() / g.groups();
            outPerGroup = g.outChannels() / g.groups();
            k = inPerGroup * g.kernelH() * g.kernelW();
            positions = g.outHeight() * g.outWidth();
            pixels = g.height() * g.width();
            pointwise = g.kernelH() == 1 && g.kernelW() == 1 && g.strideH() == 1 && g.strideW() == 1
                    && g.padH() == 0 && g.padW() == 0;
            long largest = Math.max(Math.max((long) g.n() * g.inChannels() * pixels,
                    (long) g.n() * g.outChannels() * positions), (long) g.outChannels() * k);
            if (largest > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(g + ": a tensor has " + largest + " elements, more than a Java array holds");
            }
        }
    }

    /**
     * Positions per tile: at most {@code maxTile}, a multiple of {@link #TILE_ALIGN}, and small enough that
     * {@code outerItems × tiles} gives every thread a few items when the positions allow it.
     */
    private static int tileSize(int positions, int outerItems, int maxTile) {
        int tiles = ceilDiv(positions, maxTile);
        int wanted = ceilDiv(Parallel.threads() * ITEMS_PER_THREAD, outerItems);
        tiles = Math.max(tiles, Math.min(wanted, ceilDiv(positions, 4 * TILE_ALIGN)));
        int tile = ceilDiv(ceilDiv(positions, tiles), TILE_ALIGN) * TILE_ALIGN;
        return Math.min(tile, positions);
    }

    private static void requireWeightsAndOutput(String op, ConvGeometry g, float[] w, float[] bias, float[] y) {
        requireSize(op, "w", w, g.weightShape());
        requireSize(op, "y", y, g.outputShape());
        if (bias != null) {
            requireSize(op, "bias", bias, new int[] {g.outChannels()});
        }
    }

    private static void requireSize(String op, String name, float[] array, int[] shape) {
        long needed = 1;
        for (int d : shape) {
            needed *= d;
        }
        if (array == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null, expected " + Arrays.toString(shape));
        }
        if (array.length < needed) {
            throw new IllegalArgumentException(op + ": " + name + " has " + array.length + " floats, expected shape "
                    + Arrays.toString(shape) + " = " + needed);
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
