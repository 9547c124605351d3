package dev.nucleon.segmentation.patch;

import dev.nucleon.segmentation.image.FloatImage;

/**
 * Whole-image inference by overlapping tiles blended with weights (the scheme of Cellpose's and StarDist's
 * tiled prediction): every tile is a {@code tile × tile} crop of the image, the model runs on tiles in batches,
 * and where tiles overlap their predictions are averaged with a window that fades towards the tile's edges,
 * so no seam is left where one tile ends and the next begins.
 *
 * <p><b>Tile origins</b> along a side of length L ({@link #origins}): one tile at 0 when L ≤ tile (the image
 * is padded to {@code tile} by reflection, numpy's {@code 'reflect'}: {@code … c b | a b c | b a …},
 * repeated for sides so short that one reflection does not reach); otherwise
 * <pre>  n = ⌈(L − overlap) / (tile − overlap)⌉,   o_i = round(i · (L − tile) / (n − 1)),   i = 0 … n − 1,</pre>
 * so o_0 = 0, o_{n−1} = L − tile, every tile lies inside the image and neighbours overlap by at least
 * {@code overlap} pixels (their spacing is at most tile − overlap).
 *
 * <p><b>Window</b>: tile t with origins (ox, oy) weighs its prediction at tile pixel (i, j) by
 * {@code w_x(i) · w_y(j)} with
 * <pre>  w(i) = min(1, (i + 1) / (overlap + 1), (tile − i) / (overlap + 1)),</pre>
 * except that a side which touches the image border is not tapered (its term is left out of the min), so
 * border pixels are not down-weighted. With {@code overlap = 0}, w ≡ 1.
 *
 * <p><b>Normalisation</b>: {@code out(k, y, x) = Σ_t w_t(x, y) · pred_t(k, y, x) / Σ_t w_t(x, y)}, a convex
 * combination of the predictions of the tiles covering (x, y). The tiles form a full grid (every x-origin
 * with every y-origin), so the denominator factorises, {@code Σ_t w_t(x, y) = W_x(x) · W_y(y)} with
 * {@code W_x(x) = Σ_{ox} w_x(x − ox)}: only two 1-D weight profiles are kept, not a weight plane.
 *
 * <p><b>Memory</b>: the (K, H, W) output plus one batch of {@code batchSize} input tiles and the model's
 * outputs for it; tiles are accumulated into the output as they come back and then dropped.
 *
 * <p>The window is strictly positive, also at the tile's edge ({@code 1 / (overlap + 1)}): a model whose output
 * is wrong near a tile's edge (zero padding, a receptive field cut off by the tile) has that error damped by
 * about {@code 1 / (overlap + 2)} where a neighbour overlaps, not removed. {@link TiledInference} removes it
 * exactly for a bounded receptive field, by discarding a margin instead of blending.
 */
public final class BlendedTiling {

    /** The model, applied to a batch of tiles. */
    @FunctionalInterface
    public interface TileBatch {
        /**
         * @param x    (n, C, side, side) tiles, {@code x.length == n · C · side²}; the array may be reused for
         *             the next batch, so copy it to keep it
         * @param n    tiles in this batch, 1 ≤ n ≤ batchSize
         * @param side tile side in pixels
         * @return (n, K, side, side) predictions, K ≥ 1 the same for every batch
         */
        float[] run(float[] x, int n, int side);
    }

    /** An image read a band of full-width rows at a time (streamed inference, {@link #runRows}). */
    @FunctionalInterface
    public interface RowSource {
        /**
         * @return (C, n, W) rows {@code y0 … y0 + n − 1}, always inside the image
         * @param y0 the first row, 0 ≤ y0
         * @param n  rows, y0 + n ≤ H
         */
        float[] rows(int y0, int n);
    }

    /** Receives finished rows of the blended output, top to bottom, each row exactly once. */
    @FunctionalInterface
    public interface RowSink {
        /**
         * @param rows (K, n, W) blended output rows {@code y0 … y0 + n − 1}; the array is the sink's to keep
         * @param y0 the first row
         * @param n  rows
         */
        void rows(int y0, int n, float[] rows);
    }

    private final int tile;
    private final int overlap;

    /**
     * @param tile    tile side in pixels, ≥ 16
     * @param overlap pixels by which neighbouring tiles overlap at least, 0 ≤ overlap &lt; tile
     */
    public BlendedTiling(int tile, int overlap) {
        if (tile < 16) {
            throw new IllegalArgumentException("BlendedTiling: tile must be >= 16, got " + tile);
        }
        if (overlap < 0 || overlap >= tile) {
            throw new IllegalArgumentException("BlendedTiling: need 0 <= overlap < tile, got overlap " + overlap
                    + ", tile " + tile);
        }
        this.tile = tile;
        this.overlap = overlap;
    }

    /** {@return the tile side, pixels} */
    public int tile() {
        return tile;
    }

    /** {@return the least overlap of neighbouring tiles, pixels} */
    public int overlap() {
        return overlap;
    }

    /**
     * Tile origins along a side of {@code length} pixels, see the class comment.
     *
     * @param length  the side's length L, pixels, ≥ 1
     * @param tile    the tile side, ≥ 1
     * @param overlap 0 ≤ overlap &lt; tile
     * @return n ≥ 1 increasing origins, first 0, last {@code max(0, length − tile)}
     * @throws IllegalArgumentException when out of range
     */
    public static int[] origins(int length, int tile, int overlap) {
        if (length < 1 || tile < 1 || overlap < 0 || overlap >= tile) {
            throw new IllegalArgumentException("BlendedTiling.origins: need length >= 1, tile >= 1 and 0 <= overlap"
                    + " < tile, got length " + length + ", tile " + tile + ", overlap " + overlap);
        }
        if (length <= tile) {
            return new int[] {0};
        }
        int step = tile - overlap;
        int n = (length - overlap + step - 1) / step; // ≥ 2 because length > tile
        long span = length - tile;
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            // round(i · span / (n − 1)) in integers: ⌊(2 · i · span + (n − 1)) / (2 · (n − 1))⌋
            o[i] = (int) ((2L * i * span + (n - 1)) / (2L * (n - 1)));
        }
        return o;
    }

    /**
     * The 1-D blending window of one tile, see the class comment.
     *
     * @param taperStart whether the tile's first pixel is inside the image (not on its border)
     * @param taperEnd   whether the tile's last pixel is inside the image
     * @return (side) weights in (0, 1]
     */
    static float[] window(int side, int overlap, boolean taperStart, boolean taperEnd) {
        float[] w = new float[side];
        for (int i = 0; i < side; i++) {
            double v = 1.0;
            if (taperStart) {
                v = Math.min(v, (i + 1.0) / (overlap + 1));
            }
            if (taperEnd) {
                v = Math.min(v, (double) (side - i) / (overlap + 1));
            }
            w[i] = (float) v;
        }
        return w;
    }

    /**
     * Runs {@code model} over the whole image, tile by tile in row-major order of tile origins.
     *
     * @param input     (C, H, W) image
     * @param model     maps (n, C, tile, tile) to (n, K, tile, tile)
     * @param batchSize most tiles per model call, ≥ 1
     * @return (K, H, W) blended predictions
     */
    public FloatImage run(FloatImage input, TileBatch model, int batchSize) {
        if (input == null || model == null) {
            throw new IllegalArgumentException("BlendedTiling.run: input and model must not be null, got input "
                    + input + ", model " + model);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("BlendedTiling.run: batchSize must be >= 1, got " + batchSize);
        }
        int w = input.width(), h = input.height();
        int[] xs = origins(w, tile, overlap), ys = origins(h, tile, overlap);
        Axis ax = new Axis(w, xs), ay = new Axis(h, ys);

        int total = xs.length * ys.length, c = input.channels(), tileSize = tile * tile;
        float[] batch = new float[Math.min(batchSize, total) * c * tileSize];
        Accumulator acc = new Accumulator(w, h);
        for (int first = 0; first < total; first += batchSize) {
            int n = Math.min(batchSize, total - first);
            float[] x = n * c * tileSize == batch.length ? batch : new float[n * c * tileSize];
            for (int b = 0; b < n; b++) {
                int t = first + b;
                extract(input, ax, t % xs.length, ay, t / xs.length, x, b * c * tileSize);
            }
            float[] y = model.run(x, n, tile);
            int k = outputChannels(y, n);
            for (int b = 0; b < n; b++) {
                int t = first + b;
                acc.add(y, b * k * tileSize, k, ax, t % xs.length, ay, t / xs.length);
            }
        }
        return acc.normalised(ax, ay);
    }

    /**
     * {@link #run} streamed by rows: the same tiles, windows and per-pixel sums in the same order, so the same
     * output, but the image is read one row of tiles at a time from {@code source} and the output handed to
     * {@code sink} as soon as no later tile covers it. Memory: {@code tile} input rows and {@code tile}
     * output rows (K, rows, W) instead of the whole (C, H, W) input and (K, H, W) output.
     *
     * @param width     W
     * @param height    H
     * @param channels  C of the rows {@code source} gives
     * @param source    gives (C, n, W) input rows, top to bottom
     * @param model     maps (n, C, tile, tile) to (n, K, tile, tile)
     * @param batchSize most tiles per model call, ≥ 1
     * @param sink      receives the (K, n, W) output rows, top to bottom, each once
     * @throws IllegalArgumentException when an argument is missing or out of range
     */
    public void runRows(int width, int height, int channels, RowSource source, TileBatch model, int batchSize,
            RowSink sink) {
        if (source == null || model == null || sink == null || width < 1 || height < 1 || channels < 1
                || batchSize < 1) {
            throw new IllegalArgumentException("BlendedTiling.runRows: need a source, a model, a sink, a positive "
                    + "size, channels and batch size, got " + width + "x" + height + ", " + channels
                    + " channels, batch " + batchSize);
        }
        int[] xs = origins(width, tile, overlap), ys = origins(height, tile, overlap);
        Axis ax = new Axis(width, xs), ay = new Axis(height, ys);
        int tileSize = tile * tile, bandRows = Math.min(tile, height);
        Axis bandAxis = new Axis(bandRows, new int[] {0}); // rows of one band of tiles, reflected when H < tile
        float[] batch = new float[Math.min(batchSize, xs.length) * channels * tileSize];
        RowAccumulator acc = new RowAccumulator(width, height, bandRows);
        for (int ty = 0; ty < ys.length; ty++) {
            FloatImage band = new FloatImage(width, bandRows, channels, source.rows(ys[ty], bandRows));
            for (int first = 0; first < xs.length; first += batchSize) {
                int n = Math.min(batchSize, xs.length - first);
                float[] x = n * channels * tileSize == batch.length ? batch : new float[n * channels * tileSize];
                for (int b = 0; b < n; b++) {
                    extract(band, ax, first + b, bandAxis, 0, x, b * channels * tileSize);
                }
                float[] y = model.run(x, n, tile);
                int k = outputChannels(y, n);
                for (int b = 0; b < n; b++) {
                    acc.add(y, b * k * tileSize, k, ax, first + b, ay, ty);
                }
            }
            int done = ty + 1 < ys.length ? ys[ty + 1] : height; // rows no later tile covers
            acc.emit(done, ax, ay, sink);
        }
    }

    /** K from the length of a (n, K, tile, tile) model output. */
    private int outputChannels(float[] y, int n) {
        long perChannel = (long) n * tile * tile;
        if (y == null || y.length == 0 || y.length % perChannel != 0) {
            throw new IllegalStateException("BlendedTiling: the model returned " + (y == null ? "null" : y.length
                    + " values") + " for " + n + " tiles of " + tile + "x" + tile
                    + ", expected a positive multiple of " + perChannel + " (n * K * side * side)");
        }
        return (int) (y.length / perChannel);
    }

    /** Copies tile (tx, ty) of {@code input}, reflect-padded past its edge, into {@code x} at {@code offset}. */
    private void extract(FloatImage input, Axis ax, int tx, Axis ay, int ty, float[] x, int offset) {
        int w = input.width(), plane = input.planeSize(), ox = ax.origins[tx], oy = ay.origins[ty];
        float[] src = input.data();
        boolean inside = ox + tile <= w;
        for (int ch = 0; ch < input.channels(); ch++) {
            for (int j = 0; j < tile; j++) {
                int row = ch * plane + ay.source(oy + j) * w, dst = offset + (ch * tile + j) * tile;
                if (inside) {
                    System.arraycopy(src, row + ox, x, dst, tile);
                } else {
                    for (int i = 0; i < tile; i++) {
                        x[dst + i] = src[row + ax.source(ox + i)];
                    }
                }
            }
        }
    }

    /** One side of the image: its tile origins, their windows and the summed weight profile. */
    private final class Axis {
        final int length;
        final int[] origins;
        final float[][] windows;
        /** W(p) = Σ_o w_o(p − o) over the tiles covering p, (length). */
        final double[] weightSum;

        Axis(int length, int[] origins) {
            this.length = length;
            this.origins = origins;
            this.windows = new float[origins.length][];
            this.weightSum = new double[length];
            for (int t = 0; t < origins.length; t++) {
                int o = origins[t];
                windows[t] = window(tile, overlap, o > 0, o + tile < length);
                for (int i = 0; i < tile && o + i < length; i++) {
                    weightSum[o + i] += windows[t][i];
                }
            }
        }

        /** The image index that tile coordinate {@code p} reads: p itself, or its reflection past the edge. */
        int source(int p) {
            return p < length ? p : TiledInference.reflect101(p, length);
        }

        /** How many pixels of a tile at this origin fall inside the image. */
        int visible(int origin) {
            return Math.min(tile, length - origin);
        }
    }

    /**
     * The running Σ w · pred over a window of rows [base, base + capacity), (K, capacity, W); rows are normalised
     * and handed on once finished, and the window moves down.
     */
    private final class RowAccumulator {
        private final int width;
        private final int height;
        private final int capacity;
        private float[] sum;
        private int channels;
        private int base;

        RowAccumulator(int width, int height, int capacity) {
            this.width = width;
            this.height = height;
            this.capacity = capacity;
        }

        /** As {@link Accumulator#add}, into the window. */
        void add(float[] y, int offset, int k, Axis ax, int tx, Axis ay, int ty) {
            if (sum == null) {
                channels = k;
                sum = new float[k * capacity * width];
            } else if (k != channels) {
                throw new IllegalStateException("BlendedTiling: the model returned " + k
                        + " channels for this batch, " + channels + " for the first");
            }
            int ox = ax.origins[tx], oy = ay.origins[ty], vw = ax.visible(ox), vh = ay.visible(oy);
            if (oy < base || oy - base + vh > capacity) {
                throw new IllegalStateException("BlendedTiling: tile rows " + oy + ".." + (oy + vh)
                        + " outside the window " + base + ".." + (base + capacity));
            }
            float[] wx = ax.windows[tx], wy = ay.windows[ty];
            int plane = capacity * width, tileSize = tile * tile;
            for (int ch = 0; ch < k; ch++) {
                for (int j = 0; j < vh; j++) {
                    int src = offset + ch * tileSize + j * tile, dst = ch * plane + (oy - base + j) * width + ox;
                    float wj = wy[j];
                    for (int i = 0; i < vw; i++) {
                        sum[dst + i] += wj * wx[i] * y[src + i];
                    }
                }
            }
        }

        /** Normalises rows [base, upTo), hands them to the sink, and moves the window down to upTo. */
        void emit(int upTo, Axis ax, Axis ay, RowSink sink) {
            int n = upTo - base;
            if (n <= 0) {
                return;
            }
            int plane = capacity * width, rowsLeft = Math.min(capacity, height - base) - n;
            float[] out = new float[channels * n * width];
            for (int ch = 0; ch < channels; ch++) {
                for (int r = 0; r < n; r++) {
                    int src = ch * plane + r * width, dst = (ch * n + r) * width;
                    double wy = ay.weightSum[base + r];
                    for (int xx = 0; xx < width; xx++) {
                        out[dst + xx] = (float) (sum[src + xx] / (wy * ax.weightSum[xx]));
                    }
                }
                int keep = Math.max(0, rowsLeft) * width;
                System.arraycopy(sum, ch * plane + n * width, sum, ch * plane, keep);
                java.util.Arrays.fill(sum, ch * plane + keep, (ch + 1) * plane, 0f);
            }
            sink.rows(base, n, out);
            base = upTo;
        }
    }

    /** The running Σ w · pred, (K, H, W); K is learnt from the first batch. */
    private final class Accumulator {
        private final int width;
        private final int height;
        private float[] sum;
        private int channels;

        Accumulator(int width, int height) {
            this.width = width;
            this.height = height;
        }

        /** Adds the window-weighted (K, tile, tile) prediction at {@code offset} of {@code y} for tile (tx, ty). */
        void add(float[] y, int offset, int k, Axis ax, int tx, Axis ay, int ty) {
            if (sum == null) {
                channels = k;
                sum = FloatImage.zeros(width, height, k).data();
            } else if (k != channels) {
                throw new IllegalStateException("BlendedTiling: the model returned " + k
                        + " channels for this batch, " + channels + " for the first");
            }
            int ox = ax.origins[tx], oy = ay.origins[ty], vw = ax.visible(ox), vh = ay.visible(oy);
            float[] wx = ax.windows[tx], wy = ay.windows[ty];
            int plane = width * height, tileSize = tile * tile;
            for (int ch = 0; ch < k; ch++) {
                for (int j = 0; j < vh; j++) {
                    int src = offset + ch * tileSize + j * tile, dst = ch * plane + (oy + j) * width + ox;
                    float wj = wy[j];
                    for (int i = 0; i < vw; i++) {
                        sum[dst + i] += wj * wx[i] * y[src + i];
                    }
                }
            }
        }

        /** Σ w · pred / Σ w as a (K, H, W) image. */
        FloatImage normalised(Axis ax, Axis ay) {
            int plane = width * height;
            for (int ch = 0; ch < channels; ch++) {
                for (int yy = 0; yy < height; yy++) {
                    int row = ch * plane + yy * width;
                    for (int xx = 0; xx < width; xx++) {
                        sum[row + xx] = (float) (sum[row + xx] / (ay.weightSum[yy] * ax.weightSum[xx]));
                    }
                }
            }
            return new FloatImage(width, height, channels, sum);
        }
    }
}
