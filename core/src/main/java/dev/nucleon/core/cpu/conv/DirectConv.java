package dev.nucleon.core.cpu.conv;

import dev.nucleon.core.cpu.Elementwise;
import dev.nucleon.core.cpu.Parallel;
import dev.nucleon.core.cpu.Workspace;

import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.Epilogue;

import java.util.Arrays;

/**
 * Forward convolution for stride 1 computed straight from the image, with no im2col and no GEMM packing
 * (the "indirect" formulation of a convolution as a matrix product).
 *
 * <h2>Algorithm</h2>
 * With stride 1, output positions that are neighbours along a row read neighbouring inputs for every tap
 * (ci, kh, kw). Pad the input with zeros to rows of {@code Wp = W_out + dW·(kW − 1)} floats (W + 2·pW for a
 * symmetric padding) and index the output on the same grid, {@code q = oh·Wp + ow} ("virtual" positions; the columns {@code ow ≥ W_out} of each
 * virtual row are garbage and are never stored). Then for every tap k
 * <pre>
 *   y[co][q] = bias[co] + Σ_k w[co][k] · xpad[offset(k) + q],   offset(ci, kh, kw) = ci·plane + kh·dH·Wp + kw·dW
 * </pre>
 * which is a matrix product whose B row k is the padded image shifted by {@code offset(k)}: contiguous,
 * so the micro-kernel ({@link DirectConvKernel}) loads it in place. Only the weights are packed (once per
 * call, tap-major in blocks of MR output channels); the image is only copied once, into the padded band.
 *
 * <h2>Loops and blocking</h2>
 * <pre>
 *   parallel for (image, group, band of output rows, chunk of channel blocks):   items over the threads
 *     copy the band's input rows (+ halo of dH·(kH−1) rows) with zero padding → per-thread buffer
 *     for each block of MR output channels in the chunk:         packed weights: taps × MR floats
 *       for q over the band's virtual positions, step NR:        tile = MR channels × NR positions
 *         micro-kernel over all taps; store the tile into y (through a scratch tile where it
 *         crosses a row end, a garbage column or the last channel block)
 * </pre>
 * When W_out is a multiple of NR (every U-Net layer from 32 wide up) q steps row by row instead, jumping over
 * the garbage columns: no tile crosses a row end, none is computed in vain.
 * The band is sized to ≤ {@link #BAND_FLOATS} floats (256 KiB, it stays in L2 while every channel block
 * sweeps it) and so that there are a few bands per thread at batch 1, but no shorter than
 * {@link #MIN_BAND_TILES} tiles; small images that then give too few items also split their channel
 * blocks into chunks (each chunk copies the band itself). The tile's accumulators start
 * at the bias, so bias costs nothing. What it saves over im2col + GEMM is the packing of the B panel
 * (kH·kW copies of the image per call), which dominates when few output channels share each panel; what
 * it costs is a halo copy and the garbage columns (2·pW of every Wp).
 *
 * <p>Workspace per thread: one band, at least one output row's worth ({@code C_in/G · (1 + dH·(kH−1)) · Wp}
 * floats) even when that is more than {@link #BAND_FLOATS}; plus, on the calling thread, the packed
 * weights (the size of w, rounded up to whole channel blocks).
 */
public final class DirectConv {

    /** Target floats in one padded input band (per thread): 256 KiB, a quarter of L2. */
    static final int BAND_FLOATS = 1 << 16;
    /** Work items to aim for per thread, so uneven items still balance. */
    private static final int ITEMS_PER_THREAD = 4;
    /** Fewest weights per thread worth packing in parallel. */
    private static final int MIN_PARALLEL_PACK = 1 << 14;
    /** Fewest tiles of virtual positions per band, where the image allows. */
    private static final int MIN_BAND_TILES = 8;

    private DirectConv() {
    }

    /** Whether this path can compute {@code g}: stride 1 both ways (any padding, dilation, groups). */
    static boolean supports(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1;
    }

    /**
     * What this class computes: a stride-1 convolution of x (n, C_in, H, W) with w (C_out, C_in/groups, kH, kW)
     * into y (n, C_out, outHeight, outWidth),
     * <pre>  y[n, co, oh, ow] = bias[co] + Σ w[co, ci, kh, kw] · x[n, g·C_in/G + ci, oh − padTop + kh·dH, ow − padLeft + kw·dW]</pre>
     * with x read as zero outside the image. Unlike {@link ConvGeometry} the padding before (top, left) is free
     * (negative crops) and the output size is given, so the padding after is whatever it needs to be: the
     * phases of {@link SubPixelTranspose} are such convolutions.
     */
    record Window(int n, int inChannels, int height, int width, int outChannels, int kernelH, int kernelW,
                  int padTop, int padLeft, int outHeight, int outWidth, int dilationH, int dilationW, int groups) {

        /** The window of a {@link #supports supported} geometry: symmetric padding, its output size. */
        static Window of(ConvGeometry g) {
            return new Window(g.n(), g.inChannels(), g.height(), g.width(), g.outChannels(), g.kernelH(), g.kernelW(),
                    g.padH(), g.padW(), g.outHeight(), g.outWidth(), g.dilationH(), g.dilationW(), g.groups());
        }
    }

    /** Same contract as {@link ConvKernels#forward}; {@code g} must be {@link #supports supported}. */
    static void forward(DirectConvKernel kernel, ConvGeometry g, float[] x, float[] w, float[] bias, float[] y,
                        Epilogue epilogue) {
        forward(kernel, Window.of(g), x, w, bias, y, epilogue);
    }

    /** The {@link Window}'s convolution of x; see {@link #forwardPacked}. */
    static void forward(DirectConvKernel kernel, Window g, float[] x, float[] w, float[] bias, float[] y,
                        Epilogue epilogue) {
        forward(kernel, g, new float[][] {x}, new int[] {g.inChannels()}, w, bias, y, epilogue);
    }

    /**
     * The convolution of the channel concatenation of {@code parts} (part p: (N, partChannels[p], H, W)), read in
     * place: the band copy takes each channel from its part, so the concatenation is never built.
     */
    static void forward(DirectConvKernel kernel, ConvGeometry g, float[][] parts, int[] partChannels, float[] w,
                        float[] bias, float[] y, Epilogue epilogue) {
        forward(kernel, Window.of(g), parts, partChannels, w, bias, y, epilogue);
    }

    /**
     * y = f(window's convolution + bias), f = {@code epilogue} applied to each block of output rows right after
     * its tiles are written (still in L2). {@code bias} may be null.
     */
    static void forward(DirectConvKernel kernel, Window g, float[][] parts, int[] partChannels, float[] w,
                        float[] bias, float[] y, Epilogue epilogue) {
        int groups = g.groups();
        int cin = g.inChannels() / groups;
        int cout = g.outChannels() / groups;
        int taps = cin * g.kernelH() * g.kernelW();
        int mr = kernel.mr();
        int blocks = ceilDiv(cout, mr);
        // weights, tap-major per block of mr output channels (zero rows past C_out/G)
        // (on all threads: it is a transposition the size of w, which would otherwise leave the others idle)
        float[] packed = Workspace.current().directWeights(groups * blocks * taps * mr);
        Parallel.range(groups * blocks, Math.max(1, MIN_PARALLEL_PACK / (taps * mr)), (from, to) -> {
            for (int gb = from; gb < to; gb++) {
                int group = gb / blocks;
                int blk = gb % blocks;
                int base = gb * taps * mr;
                for (int i = 0; i < mr; i++) {
                    int co = blk * mr + i;
                    if (co < cout) {
                        int src = (group * cout + co) * taps;
                        for (int k = 0; k < taps; k++) {
                            packed[base + k * mr + i] = w[src + k];
                        }
                    } else {
                        for (int k = 0; k < taps; k++) {
                            packed[base + k * mr + i] = 0f;
                        }
                    }
                }
            }
        });
        forwardPacked(kernel, g, parts, partChannels, packed, bias, y, epilogue);
    }

    /**
     * {@link #forward} with the weights already packed: {@code packed[((group·blocks + blk)·taps + k)·mr + i]} is
     * the weight of output channel {@code blk·mr + i} of the group (zero past C_out/G) for tap k, taps numbered
     * {@code k = (ci·kH + kh)·kW + kw} as in w.
     */
    static void forwardPacked(DirectConvKernel kernel, Window g, float[] x, float[] packed, float[] bias, float[] y,
                              Epilogue epilogue) {
        forwardPacked(kernel, g, new float[][] {x}, new int[] {g.inChannels()}, packed, bias, y, epilogue);
    }

    /** {@link #forwardPacked} of the channel concatenation of {@code parts}, as in {@link #forward(DirectConvKernel, ConvGeometry, float[][], int[], float[], float[], float[], Epilogue)}. */
    static void forwardPacked(DirectConvKernel kernel, Window g, float[][] parts, int[] partChannels, float[] packed,
                              float[] bias, float[] y, Epilogue epilogue) {
        Channels source = new Channels(parts, partChannels, g.inChannels(), g.height() * g.width());
        int groups = g.groups();
        int cin = g.inChannels() / groups;
        int cout = g.outChannels() / groups;
        int kh = g.kernelH();
        int kw = g.kernelW();
        int dh = g.dilationH();
        int dw = g.dilationW();
        int padTop = g.padTop();
        int padLeft = g.padLeft();
        int height = g.height();
        int width = g.width();
        int outH = g.outHeight();
        int outW = g.outWidth();
        int wp = outW + dw * (kw - 1); // band row: input columns −padLeft … −padLeft + wp − 1
        int halo = dh * (kh - 1);
        int taps = cin * kh * kw;
        int mr = kernel.mr();
        int nr = kernel.nr();
        int blocks = ceilDiv(cout, mr);
        int positions = outH * outW;

        // band height: within BAND_FLOATS, few enough rows for a few items per thread, but enough virtual
        // positions for MIN_BAND_TILES tiles (short bands waste their last tile and re-copy their halo)
        int fit = Math.max(1, BAND_FLOATS / (cin * wp) - halo);
        int wanted = ceilDiv(Parallel.threads() * ITEMS_PER_THREAD, g.n() * groups);
        int rowsWanted = Math.max(ceilDiv(outH, wanted), ceilDiv(MIN_BAND_TILES * nr, wp));
        int bands = ceilDiv(outH, Math.max(1, Math.min(fit, rowsWanted)));
        int bandRows = ceilDiv(outH, bands); // balanced: 16 rows in bands of 15 would leave one of 1
        // still too few items (small images): also split the output channel blocks
        int chunks = Math.min(blocks, ceilDiv(wanted, bands));
        int blocksPerChunk = ceilDiv(blocks, chunks);
        int chunkCount = ceilDiv(blocks, blocksPerChunk);
        int plane = (bandRows + halo) * wp;
        int bandFloats = cin * plane + nr; // nr of slack: the last tile's loads run past the last row

        int[] offsets = new int[taps];
        for (int ci = 0, k = 0; ci < cin; ci++) {
            for (int a = 0; a < kh; a++) {
                for (int b = 0; b < kw; b++, k++) {
                    offsets[k] = ci * plane + a * dh * wp + b * dw;
                }
            }
        }
        float[] paddedBias = new float[groups * blocks * mr]; // bias per block of mr (zero past C_out/G)
        for (int group = 0; group < groups && bias != null; group++) {
            System.arraycopy(bias, group * cout, paddedBias, group * blocks * mr, cout);
        }

        Parallel.range(g.n() * groups * bands * chunkCount, 1, (from, to) -> {
            Workspace ws = Workspace.current();
            float[] band = ws.directBand(bandFloats);
            float[] edge = ws.edgeTile(mr * nr);
            for (int item = from; item < to; item++) {
                int n = item / (groups * bands * chunkCount);
                int group = item / (bands * chunkCount) % groups;
                int oh0 = item / chunkCount % bands * bandRows;
                int firstBlock = item % chunkCount * blocksPerChunk;
                int endBlock = Math.min(blocks, firstBlock + blocksPerChunk);
                int rows = Math.min(bandRows, outH - oh0);
                fillBand(source, n, group * cin, height, width, padLeft, oh0 - padTop, rows + halo, cin, plane, wp, band);
                int virtual = (rows - 1) * wp + outW;
                int yOffset = (n * g.outChannels() + group * cout) * positions + oh0 * outW;
                for (int blk = firstBlock; blk < endBlock; blk++) {
                    int co0 = blk * mr;
                    int channels = Math.min(mr, cout - co0);
                    int aOffset = (group * blocks + blk) * taps * mr;
                    int biasOffset = (group * blocks + blk) * mr;
                    int yBlock = yOffset + co0 * positions;
                    // when whole tiles fill a row, tile row by row: no garbage column computed, no scratch tile;
                    // else along the virtual positions, where a tile may run across a row's end
                    boolean byRow = outW % nr == 0;
                    for (int q = 0; q < virtual; ) {
                        int row = q / wp; // the virtual row and column of q (one division per tile)
                        int c0 = q - row * wp;
                        if (channels == mr && c0 + nr <= outW) {
                            kernel.tile(taps, packed, aOffset, band, q, offsets, paddedBias, biasOffset,
                                    y, yBlock + row * outW + c0, positions);
                        } else {
                            kernel.tile(taps, packed, aOffset, band, q, offsets, paddedBias, biasOffset, edge, 0, nr);
                            storeEdge(edge, nr, channels, q, virtual, row, c0, wp, outW, y, yBlock, positions);
                        }
                        q += nr;
                        if (byRow && c0 + nr == outW) {
                            q = (row + 1) * wp; // skip the garbage columns
                        }
                    }
                    for (int i = 0; i < channels; i++) {
                        int start = yBlock + i * positions;
                        Elementwise.apply(epilogue, y, start, start + rows * outW);
                    }
                }
            }
        });
    }

    /** The input's channels, held in one array or split over several (a concatenation not built). */
    private record Channels(float[][] parts, int[] partChannels, int planeSize) {

        Channels(float[][] parts, int[] partChannels, int channels, int planeSize) {
            this(parts, partChannels, planeSize);
            if (Arrays.stream(partChannels).sum() != channels || parts.length != partChannels.length) {
                throw new IllegalArgumentException("direct conv: parts hold " + Arrays.toString(partChannels)
                        + " channels, expected " + channels + " in all");
            }
        }
    }

    /**
     * Band rows {@code r < bandRows} of channels {@code c0 … c0 + cin − 1} of image n: input row {@code ih0 + r},
     * columns {@code −padLeft … −padLeft + wp − 1}, zero outside the image, at {@code band[ci·plane + r·wp]}.
     */
    private static void fillBand(Channels source, int n, int c0, int height, int width, int padLeft, int ih0,
                                 int bandRows, int cin, int plane, int wp, float[] band) {
        int lo = Math.max(0, Math.min(wp, padLeft)); // band columns [lo, hi) hold image columns [lo − padLeft, …)
        int hi = Math.max(lo, Math.min(wp, padLeft + width));
        int part = 0; // the part holding channel c0 + ci, and its first channel
        int first = 0;
        for (int ci = 0; ci < cin; ci++) {
            int c = c0 + ci;
            while (c >= first + source.partChannels()[part]) {
                first += source.partChannels()[part++];
            }
            float[] x = source.parts()[part];
            int src = (n * source.partChannels()[part] + c - first) * source.planeSize();
            for (int r = 0; r < bandRows; r++) {
                int ih = ih0 + r;
                int d = ci * plane + r * wp;
                if (ih < 0 || ih >= height || lo == hi) {
                    zero(band, d, wp);
                } else {
                    zero(band, d, lo);
                    System.arraycopy(x, src + ih * width + lo - padLeft, band, d + lo, hi - lo);
                    zero(band, d + hi, wp - hi);
                }
            }
        }
    }

    /** Copies the valid entries of a scratch tile (virtual positions q…, first at (row, col)) into y. */
    private static void storeEdge(float[] edge, int nr, int channels, int q, int virtual, int row, int col,
                                  int wp, int outW, float[] y, int yBlock, int positions) {
        for (int j = 0; j < nr && q + j < virtual; j++, col++) {
            if (col == wp) {
                col = 0;
                row++;
            }
            if (col < outW) {
                int dst = yBlock + row * outW + col;
                for (int i = 0; i < channels; i++) {
                    y[dst + i * positions] = edge[i * nr + j];
                }
            }
        }
    }

    private static void zero(float[] a, int from, int length) {
        for (int i = 0; i < length; i++) {
            a[from + i] = 0f;
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
