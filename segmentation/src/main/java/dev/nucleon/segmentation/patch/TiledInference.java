package dev.nucleon.segmentation.patch;

import dev.nucleon.segmentation.image.FloatImage;

import java.io.IOException;

/**
 * Seamless tiling of arbitrarily large images with an overlap margin (the scheme of StarDist's and
 * Cellpose's tiled prediction): the image is covered by {@code tile × tile} cores on a grid flush with the
 * right/bottom edge ({@link PatchGrid#origins}); each core is read with {@code margin} extra pixels of
 * context on every side, the model runs on the (tile + 2·margin)² input, and only the core of its output is
 * written back. Where the image ends, the context is filled by reflection (reflect-101, as OpenCV's default
 * border) or zeros.
 *
 * <p>If the model's output at a pixel depends only on inputs within {@code margin} pixels of it (its
 * receptive radius), the stitched result equals running the model on the whole (equally padded) image —
 * no seams. Memory is bounded by one tile: input and output are streamed through {@link RegionSource} and
 * {@link RegionSink}, so a 10,000 × 10,000 image needs only a few tile-sized buffers.
 *
 * <p>Images smaller than a tile give one tile of the image's size (plus margins).
 */
public final class TiledInference {
    /** How context beyond the image edge is filled. */
    public enum Padding {
        /** Reflect-101 (OpenCV's default border): {@code … c b | a b c | b a …}. */
        REFLECT,
        /** Zeros. */
        ZERO
    }

    private final int tile;
    private final int margin;
    private final Padding padding;

    /**
     * A tiling scheme.
     *
     * @param tile    the core side, pixels, ≥ 1
     * @param margin  context read on every side of a core, pixels, ≥ 0
     * @param padding how context beyond the image edge is filled
     * @throws IllegalArgumentException when out of range
     */
    public TiledInference(int tile, int margin, Padding padding) {
        if (tile < 1 || margin < 0) {
            throw new IllegalArgumentException("TiledInference: need tile >= 1 and margin >= 0, got tile " + tile
                    + ", margin " + margin);
        }
        this.tile = tile;
        this.margin = margin;
        this.padding = padding;
    }

    /**
     * Streams the whole image through the model, tile by tile, row by row.
     *
     * @param source the image, read a (core + margins) region at a time
     * @param model  runs on each (C, tile + 2·margin, tile + 2·margin) region (smaller at the image's edge)
     * @param sink   receives each core of the output once
     * @throws IOException when the source or the sink fails
     */
    public void run(RegionSource source, TileModel model, RegionSink sink) throws IOException {
        int w = source.width(), h = source.height();
        for (int y0 : PatchGrid.origins(h, tile, tile)) {
            int ch = Math.min(tile, h - y0);
            for (int x0 : PatchGrid.origins(w, tile, tile)) {
                int cw = Math.min(tile, w - x0);
                FloatImage input = readWithContext(source, x0, y0, cw, ch);
                FloatImage output = model.apply(input);
                if (output.width() != input.width() || output.height() != input.height()) {
                    throw new IllegalStateException("TiledInference: the model returned " + output.width() + "x"
                            + output.height() + " for a " + input.width() + "x" + input.height() + " tile");
                }
                sink.write(x0, y0, output.crop(margin, margin, cw, ch));
            }
        }
    }

    /**
     * {@return in-memory convenience: tiles {@code image} and returns the stitched output}
     *
     * @param image the image, (C, H, W)
     * @param model runs on each tile
     * @throws IOException never for an in-memory image (the signature is the streaming one's)
     */
    public FloatImage run(FloatImage image, TileModel model) throws IOException {
        FloatImage[] out = new FloatImage[1];
        run(RegionSource.of(image), model, (x, y, region) -> {
            if (out[0] == null) {
                out[0] = FloatImage.zeros(image.width(), image.height(), region.channels());
            }
            out[0].paste(region, x, y);
        });
        return out[0];
    }

    /** The core [x0, x0+cw) × [y0, y0+ch) plus margins, (C, ch + 2m, cw + 2m). */
    FloatImage readWithContext(RegionSource source, int x0, int y0, int cw, int ch) throws IOException {
        int w = source.width(), h = source.height(), m = margin;
        int rx0 = Math.max(0, x0 - m), ry0 = Math.max(0, y0 - m);
        int rx1 = Math.min(w, x0 + cw + m), ry1 = Math.min(h, y0 + ch + m);
        FloatImage read = source.read(rx0, ry0, rx1 - rx0, ry1 - ry0);
        int tw = cw + 2 * m, th = ch + 2 * m, c = read.channels();
        if (rx0 == x0 - m && ry0 == y0 - m && rx1 == x0 + cw + m && ry1 == y0 + ch + m) {
            return read;
        }
        float[] out = new float[tw * th * c], src = read.data();
        int rw = read.width(), rn = rw * read.height(), tn = tw * th;
        for (int ty = 0; ty < th; ty++) {
            int iy = y0 - m + ty;
            boolean outY = iy < 0 || iy >= h;
            if (outY && padding == Padding.ZERO) {
                continue;
            }
            int sy = reflect101(iy, h) - ry0;
            for (int tx = 0; tx < tw; tx++) {
                int ix = x0 - m + tx;
                boolean outX = ix < 0 || ix >= w;
                if (outX && padding == Padding.ZERO) {
                    continue;
                }
                int sx = reflect101(ix, w) - rx0;
                for (int k = 0; k < c; k++) {
                    out[k * tn + ty * tw + tx] = src[k * rn + sy * rw + sx];
                }
            }
        }
        return new FloatImage(tw, th, c, out);
    }

    /**
     * {@return reflect-101 index into [0, n)}
     *
     * @param i an index, any int
     * @param n the length, ≥ 1
     */
    public static int reflect101(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * n - 2;
        i = Math.floorMod(i, period);
        return i < n ? i : period - i;
    }
}
