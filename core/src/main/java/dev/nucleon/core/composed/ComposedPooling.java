package dev.nucleon.core.composed;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.PoolGeometry;
import dev.nucleon.core.backend.ReduceOp;
import dev.nucleon.core.Shape;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.UnaryOp;
import dev.nucleon.core.backend.UpsampleMode;

/**
 * Pooling as windows gathered into columns (kH·kW, N, C, H_out, W_out) and reduced over the first axis, and
 * upsampling as a broadcast copy (nearest) or two matrix products (bilinear).
 */
public final class ComposedPooling {

    private ComposedPooling() {
    }

    /**
     * y[n, c, oy, ox] = max over the window; padded cells are −∞ and never win.
     *
     * @param b the backend whose primitives run the composition (and own every storage)
     * @param g the sizes
     * @param x the input (N, C, H, W)
     * @param y the output (N, C, H_out, W_out), written
     */
    public static void maxPool(Backend b, PoolGeometry g, Storage x, Storage y) {
        try (Temporaries t = new Temporaries(b)) {
            Storage cols = columns(t, b, g, x, Float.NEGATIVE_INFINITY);
            b.reduce(ReduceOp.MAX, cols, new int[] {taps(g), outputs(g)}, y, new int[] {1, outputs(g)});
        }
    }

    /**
     * gx[window's first maximum] += gy. The taps are visited in row-major order with a mask of the outputs
     * already routed: first = (tap == max)·(1 − routed); routed += first; gx[tap] += gy·first.
     *
     * @param b  the backend whose primitives run the composition (and own every storage)
     * @param g  the sizes
     * @param x  the forward input (N, C, H, W)
     * @param gy ∂L/∂y (N, C, H_out, W_out)
     * @param gx ∂L/∂x (N, C, H, W), written
     */
    public static void maxPoolBackward(Backend b, PoolGeometry g, Storage x, Storage gy, Storage gx) {
        try (Temporaries t = new Temporaries(b)) {
            int m = outputs(g);
            Storage cols = columns(t, b, g, x, Float.NEGATIVE_INFINITY);
            Storage max = t.scratch(m);
            b.reduce(ReduceOp.MAX, cols, new int[] {taps(g), m}, max, new int[] {1, m});
            Storage routed = t.zeros(m);
            b.fill(gx, 0f);
            Windows window = window(g);
            for (int i = 0; i < g.kernelH(); i++) {
                for (int j = 0; j < g.kernelW(); j++) {
                    Storage tap = t.scratch(m);
                    b.copyStrided(cols, (long) (i * g.kernelW() + j) * m, new long[] {1}, tap, 0, new long[] {1},
                            new int[] {m}, false);
                    Storage notRouted = t.unary(UnaryOp.ADD_SCALAR, 1f, t.unary(UnaryOp.NEG, 0f, routed));
                    Storage first = t.binary(BinaryOp.MUL, t.binary(BinaryOp.EQ, tap, max), notRouted);
                    routed = t.binary(BinaryOp.ADD, routed, first);
                    window.tap(b, true, gx, i, j, t.binary(BinaryOp.MUL, gy, first), 0, colsStrides(g));
                }
            }
        }
    }

    /**
     * y = Σ window / divisor, the divisor counting padded cells or not ({@link PoolGeometry#countIncludePad()}).
     *
     * @param b the backend whose primitives run the composition (and own every storage)
     * @param g the sizes
     * @param x the input (N, C, H, W)
     * @param y the output (N, C, H_out, W_out), written
     */
    public static void avgPool(Backend b, PoolGeometry g, Storage x, Storage y) {
        try (Temporaries t = new Temporaries(b)) {
            Storage cols = columns(t, b, g, x, 0f);
            Storage sum = t.scratch(outputs(g));
            b.reduce(ReduceOp.SUM, cols, new int[] {taps(g), outputs(g)}, sum, new int[] {1, outputs(g)});
            int[] planes = {g.n() * g.channels(), g.outHeight() * g.outWidth()};
            b.binary(BinaryOp.DIV, sum, planes, t.upload(divisors(g)), new int[] {1, planes[1]}, y, planes);
        }
    }

    /**
     * gx[window] += gy / divisor, tap by tap.
     *
     * @param b  the backend whose primitives run the composition (and own every storage)
     * @param g  the sizes
     * @param gy ∂L/∂y (N, C, H_out, W_out)
     * @param gx ∂L/∂x (N, C, H, W), written
     */
    public static void avgPoolBackward(Backend b, PoolGeometry g, Storage gy, Storage gx) {
        try (Temporaries t = new Temporaries(b)) {
            int[] planes = {g.n() * g.channels(), g.outHeight() * g.outWidth()};
            Storage share = t.binary(BinaryOp.DIV, gy, planes, t.upload(divisors(g)), new int[] {1, planes[1]}, planes);
            b.fill(gx, 0f);
            Windows window = window(g);
            for (int i = 0; i < g.kernelH(); i++) {
                for (int j = 0; j < g.kernelW(); j++) {
                    window.tap(b, true, gx, i, j, share, 0, colsStrides(g));
                }
            }
        }
    }

    /**
     * Nearest: y viewed as (N·C, h, f, w, f) reads x (N·C, h, w) with stride 0 along both f axes.
     * Bilinear: y[p] = A_h · x[p] · A_wᵀ per plane p, A (size·f × size) the interpolation matrix.
     *
     * @param b    the backend whose primitives run the composition (and own every storage)
     * @param mode nearest or bilinear
     * @param n    the batch size
     * @param c    the channels
     * @param h    the input height
     * @param w    the input width
     * @param f    the integer factor, ≥ 1
     * @param x    the input (n, c, h, w)
     * @param y    the output (n, c, h·f, w·f), written
     */
    public static void upsample(Backend b, UpsampleMode mode, int n, int c, int h, int w, int f, Storage x, Storage y) {
        int planes = n * c;
        if (mode == UpsampleMode.NEAREST) {
            int[] box = {planes, h, f, w, f};
            b.copyStrided(x, 0, new long[] {(long) h * w, w, 0, 1, 0}, y, 0, Shape.strides(box), box, false);
            return;
        }
        try (Temporaries t = new Temporaries(b)) {
            Storage ah = t.upload(interpolation(h, f));
            Storage aw = t.upload(interpolation(w, f));
            Storage rows = t.scratch((long) planes * h * w * f); // x · A_wᵀ: (N·C·h, w·f)
            b.matmul(x, 0, false, aw, 0, true, rows, 1, planes * h, w * f, w);
            b.matmul(ah, 0, false, rows, (long) h * w * f, false, y, planes, h * f, w * f, h);
        }
    }

    /**
     * Nearest: gx = Σ over each f×f block of gy. Bilinear: gx[p] = A_hᵀ · gy[p] · A_w.
     *
     * @param b    the backend whose primitives run the composition (and own every storage)
     * @param mode nearest or bilinear
     * @param n    the batch size
     * @param c    the channels
     * @param h    the input height
     * @param w    the input width
     * @param f    the integer factor, ≥ 1
     * @param gy   ∂L/∂y (n, c, h·f, w·f)
     * @param gx   ∂L/∂x (n, c, h, w), written
     */
    public static void upsampleBackward(Backend b, UpsampleMode mode, int n, int c, int h, int w, int f, Storage gy,
                                        Storage gx) {
        int planes = n * c;
        if (mode == UpsampleMode.NEAREST) {
            b.reduce(ReduceOp.SUM, gy, new int[] {planes, h, f, w, f}, gx, new int[] {planes, h, 1, w, 1});
            return;
        }
        try (Temporaries t = new Temporaries(b)) {
            Storage ah = t.upload(interpolation(h, f));
            Storage aw = t.upload(interpolation(w, f));
            Storage rows = t.scratch((long) planes * h * w * f); // A_hᵀ · gy[p]: (N·C, h, w·f)
            b.matmul(ah, 0, true, gy, (long) h * f * w * f, false, rows, planes, h, w * f, h * f);
            b.matmul(rows, 0, false, aw, 0, false, gx, 1, planes * h, w, w * f);
        }
    }

    /**
     * The (size·f × size) bilinear interpolation matrix, half-pixel centres: row d has weight 1 − λ at lo and λ at
     * hi, with s = max(0, (d + ½)/f − ½), lo = min(⌊s⌋, size − 1), hi = min(lo + 1, size − 1), λ = s − lo.
     */
    static float[] interpolation(int size, int f) {
        float[] a = new float[size * f * size];
        for (int d = 0; d < size * f; d++) {
            float s = Math.max(0f, (d + 0.5f) / f - 0.5f);
            int lo = Math.min((int) s, size - 1);
            int hi = Math.min(lo + 1, size - 1);
            float lambda = s - lo;
            a[d * size + lo] += 1 - lambda;
            a[d * size + hi] += lambda;
        }
        return a;
    }

    private static int taps(PoolGeometry g) {
        return g.kernelH() * g.kernelW();
    }

    /** M = N·C·H_out·W_out. */
    private static int outputs(PoolGeometry g) {
        return g.n() * g.channels() * g.outHeight() * g.outWidth();
    }

    private static Windows window(PoolGeometry g) {
        return new Windows(g.n(), g.channels(), g.height(), g.width(), g.outHeight(), g.outWidth(),
                g.strideH(), g.strideW(), g.padH(), g.padW());
    }

    /** Strides of one tap's (N, C, H_out, W_out) block along (n, c, oy, ox). */
    private static long[] colsStrides(PoolGeometry g) {
        long ohw = (long) g.outHeight() * g.outWidth();
        return new long[] {g.channels() * ohw, ohw, g.outWidth(), 1};
    }

    /** cols (kH·kW, N, C, H_out, W_out), pre-filled with the padding value. */
    private static Storage columns(Temporaries t, Backend b, PoolGeometry g, Storage x, float padding) {
        int m = outputs(g);
        Storage cols = t.scratch((long) taps(g) * m);
        b.fill(cols, padding);
        Windows window = window(g);
        for (int i = 0; i < g.kernelH(); i++) {
            for (int j = 0; j < g.kernelW(); j++) {
                window.tap(b, false, x, i, j, cols, (long) (i * g.kernelW() + j) * m, colsStrides(g));
            }
        }
        return cols;
    }

    /** The divisor of each output position (H_out·W_out), the same for every plane. */
    private static float[] divisors(PoolGeometry g) {
        float[] d = new float[g.outHeight() * g.outWidth()];
        for (int i = 0; i < g.outHeight(); i++) {
            for (int j = 0; j < g.outWidth(); j++) {
                int hs = i * g.strideH() - g.padH();
                int ws = j * g.strideW() - g.padW();
                int he = Math.min(hs + g.kernelH(), g.height() + g.padH());
                int we = Math.min(ws + g.kernelW(), g.width() + g.padW());
                int withPadding = (he - hs) * (we - ws);
                int inside = (Math.min(he, g.height()) - Math.max(hs, 0)) * (Math.min(we, g.width()) - Math.max(ws, 0));
                d[i * g.outWidth() + j] = g.countIncludePad() ? withPadding : inside;
            }
        }
        return d;
    }
}
