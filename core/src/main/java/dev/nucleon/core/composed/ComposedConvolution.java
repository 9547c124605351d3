package dev.nucleon.core.composed;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.Storage;

/**
 * Convolution as im2col + GEMM, written with strided copies and one batched matmul.
 *
 * <p>With G groups, Cg = C/G input and Og = O/G output channels per group, K = Cg·kH·kW and P = N·H_out·W_out:
 * <pre>
 *   cols (C, kH, kW, N, H_out, W_out)  cols[c, i, j, n, oy, ox] = x[n, c, oy·s + i·d − p, ox·s + j·d − p]  (0 outside)
 *   forward      Y_g  (Og × P) = W_g (Og × K) · cols_g (K × P)          then y (N, O, ·) = permute(Y) + bias
 *   backward x   dcols_g (K × P) = W_gᵀ · dY_g,   gx = col2im(dcols)   (the adjoint of the gather: a scatter-add)
 *   backward w   dW_g (Og × K) = dY_g · cols_gᵀ
 * </pre>
 * The group axis is outermost in cols, W and Y, so the G products are one matmul batched over groups. cols is
 * C·kH·kW·P floats: fine for a reference, the reason fast backends use a direct or tiled kernel.
 */
public final class ComposedConvolution {

    private ComposedConvolution() {
    }

    /**
     * y = conv2d(x, w) + bias (bias may be null).
     *
     * @param b    the backend whose primitives run the composition (and own every storage)
     * @param g    the sizes
     * @param x    the input (N, C_in, H, W)
     * @param w    the weight (C_out, C_in/groups, kH, kW)
     * @param bias C_out floats, or null
     * @param y    the output (N, C_out, H_out, W_out), written
     */
    public static void forward(Backend b, ConvGeometry g, Storage x, Storage w, Storage bias, Storage y) {
        try (Temporaries t = new Temporaries(b)) {
            Storage cols = im2col(t, b, g, x);
            Storage out = t.scratch((long) g.outChannels() * pixels(g)); // (O, N, H_out·W_out)
            int og = g.outChannels() / g.groups();
            long k = k(g);
            b.matmul(w, og * k, false, cols, k * pixels(g), false, out, g.groups(), og, Math.toIntExact(pixels(g)),
                    Math.toIntExact(k));
            int[] nos = {g.n(), g.outChannels(), g.outHeight() * g.outWidth()};
            Storage target = bias == null ? y : t.scratch(y.size());
            toBatchFirst(b, g, out, target);
            if (bias != null) {
                b.binary(BinaryOp.ADD, target, nos, bias, new int[] {1, g.outChannels(), 1}, y, nos);
            }
        }
    }

    /**
     * gx = col2im(Wᵀ · gy).
     *
     * @param b  the backend whose primitives run the composition (and own every storage)
     * @param g  the sizes
     * @param gy ∂L/∂y (N, C_out, H_out, W_out)
     * @param w  the weight (C_out, C_in/groups, kH, kW)
     * @param gx ∂L/∂x (N, C_in, H, W), written
     */
    public static void backwardData(Backend b, ConvGeometry g, Storage gy, Storage w, Storage gx) {
        try (Temporaries t = new Temporaries(b)) {
            Storage dy = channelsFirst(t, b, g, gy);
            int og = g.outChannels() / g.groups();
            long k = k(g);
            long p = pixels(g);
            Storage dcols = t.scratch(g.groups() * k * p);
            b.matmul(w, og * k, true, dy, og * p, false, dcols, g.groups(), Math.toIntExact(k), Math.toIntExact(p), og);
            b.fill(gx, 0f);
            forEachTap(g, (window, i, j) -> window.tap(b, true, gx, i * g.dilationH(), j * g.dilationW(), dcols,
                    (long) (i * g.kernelW() + j) * p, colsStrides(g)));
        }
    }

    /**
     * gw = gy · colsᵀ.
     *
     * @param b  the backend whose primitives run the composition (and own every storage)
     * @param g  the sizes
     * @param x  the input (N, C_in, H, W)
     * @param gy ∂L/∂y (N, C_out, H_out, W_out)
     * @param gw ∂L/∂w (C_out, C_in/groups, kH, kW), written
     */
    public static void backwardWeight(Backend b, ConvGeometry g, Storage x, Storage gy, Storage gw) {
        try (Temporaries t = new Temporaries(b)) {
            Storage cols = im2col(t, b, g, x);
            Storage dy = channelsFirst(t, b, g, gy);
            int og = g.outChannels() / g.groups();
            long k = k(g);
            long p = pixels(g);
            b.matmul(dy, og * p, false, cols, k * p, true, gw, g.groups(), og, Math.toIntExact(k), Math.toIntExact(p));
        }
    }

    /** K = Cg·kH·kW, the length of one group's window. */
    private static long k(ConvGeometry g) {
        return (long) g.inChannels() / g.groups() * g.kernelH() * g.kernelW();
    }

    /** P = N·H_out·W_out, the number of output positions. */
    private static long pixels(ConvGeometry g) {
        return (long) g.n() * g.outHeight() * g.outWidth();
    }

    /** Strides of cols (C, kH, kW, N, H_out, W_out) along (n, c, oy, ox), as {@link Windows#tap} addresses it. */
    private static long[] colsStrides(ConvGeometry g) {
        long ohw = (long) g.outHeight() * g.outWidth();
        return new long[] {ohw, (long) g.kernelH() * g.kernelW() * pixels(g), g.outWidth(), 1};
    }

    private static Storage im2col(Temporaries t, Backend b, ConvGeometry g, Storage x) {
        Storage cols = t.zeros((long) g.inChannels() * g.kernelH() * g.kernelW() * pixels(g));
        long p = pixels(g);
        forEachTap(g, (window, i, j) -> window.tap(b, false, x, i * g.dilationH(), j * g.dilationW(), cols,
                (long) (i * g.kernelW() + j) * p, colsStrides(g)));
        return cols;
    }

    /** out (O, N, S) → y (N, O, S), S = H_out·W_out. */
    private static void toBatchFirst(Backend b, ConvGeometry g, Storage out, Storage y) {
        int s = g.outHeight() * g.outWidth();
        b.copyStrided(out, 0, new long[] {s, (long) g.n() * s, 1}, y, 0, new long[] {(long) g.outChannels() * s, s, 1},
                new int[] {g.n(), g.outChannels(), s}, false);
    }

    /** gy (N, O, S) → (O, N, S) in new scratch. */
    private static Storage channelsFirst(Temporaries t, Backend b, ConvGeometry g, Storage gy) {
        int s = g.outHeight() * g.outWidth();
        Storage dy = t.scratch(gy.size());
        b.copyStrided(gy, 0, new long[] {(long) g.outChannels() * s, s, 1}, dy, 0, new long[] {s, (long) g.n() * s, 1},
                new int[] {g.n(), g.outChannels(), s}, false);
        return dy;
    }

    private interface Tap {
        void at(Windows window, int i, int j);
    }

    private static void forEachTap(ConvGeometry g, Tap tap) {
        Windows window = new Windows(g.n(), g.inChannels(), g.height(), g.width(), g.outHeight(), g.outWidth(),
                g.strideH(), g.strideW(), g.padH(), g.padW());
        for (int i = 0; i < g.kernelH(); i++) {
            for (int j = 0; j < g.kernelW(); j++) {
                tap.at(window, i, j);
            }
        }
    }
}
