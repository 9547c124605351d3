package dev.nucleon.core.composed;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.ReduceOp;
import dev.nucleon.core.backend.Storage;

import static dev.nucleon.core.backend.BinaryOp.ADD;
import static dev.nucleon.core.backend.BinaryOp.DIV;
import static dev.nucleon.core.backend.BinaryOp.MUL;
import static dev.nucleon.core.backend.BinaryOp.SUB;

/**
 * Batch normalisation over x viewed as (n, c, spatial); per-channel quantities are (1, c, 1) and broadcast.
 * M = n·spatial values per channel, x̂ = (x − μ)·invStd.
 */
public final class ComposedNormalization {

    private ComposedNormalization() {
    }

    /**
     * μ = Σx / M, σ² = Σ(x − μ)² / M (biased, two passes).
     *
     * @param b        the backend whose primitives run the composition (and own every storage)
     * @param x        the input (n, c, spatial)
     * @param n        N, the batch size
     * @param c        C, the channels
     * @param spatial  H·W
     * @param mean     the per-channel mean, c floats, written
     * @param variance the per-channel biased variance, c floats, written
     */
    public static void statistics(Backend b, Storage x, int n, int c, int spatial, Storage mean, Storage variance) {
        int[] full = {n, c, spatial};
        int[] channel = {1, c, 1};
        try (Temporaries t = new Temporaries(b)) {
            Storage count = t.scalar((float) n * spatial);
            Storage sum = t.scratch(c);
            b.reduce(ReduceOp.SUM, x, full, sum, channel);
            b.binary(DIV, sum, new int[] {c}, count, new int[] {1}, mean, new int[] {c});
            Storage d = t.binary(SUB, x, full, mean, channel, full);
            Storage squares = t.scratch(c);
            b.reduce(ReduceOp.SUM, t.binary(MUL, d, d), full, squares, channel);
            b.binary(DIV, squares, new int[] {c}, count, new int[] {1}, variance, new int[] {c});
        }
    }

    /**
     * y = x·scale + shift with scale = invStd·γ, shift = β − μ·scale (per channel).
     *
     * @param b       the backend whose primitives run the composition (and own every storage)
     * @param x       the input (n, c, spatial)
     * @param n       N, the batch size
     * @param c       C, the channels
     * @param spatial H·W
     * @param mean    the per-channel mean, c floats
     * @param invStd  the per-channel 1/√(σ² + ε), c floats
     * @param gamma   γ, the per-channel scale, c floats
     * @param beta    β, the per-channel shift, c floats
     * @param y       the output, x's size, written
     */
    public static void forward(Backend b, Storage x, int n, int c, int spatial, Storage mean, Storage invStd,
                               Storage gamma, Storage beta, Storage y) {
        int[] full = {n, c, spatial};
        int[] channel = {1, c, 1};
        try (Temporaries t = new Temporaries(b)) {
            Storage scale = t.binary(MUL, invStd, gamma);
            Storage shift = t.binary(SUB, beta, t.binary(MUL, mean, scale));
            b.binary(ADD, t.binary(MUL, x, full, scale, channel, full), full, shift, channel, y, full);
        }
    }

    /**
     * gβ = Σ gy, gγ = Σ gy·x̂; with batch statistics gx = γ·invStd·(gy − gβ/M − x̂·gγ/M), else gx = γ·invStd·gy.
     *
     * @param b               the backend whose primitives run the composition (and own every storage)
     * @param x               the forward input (n, c, spatial)
     * @param gy              ∂L/∂y, x's size
     * @param n               N, the batch size
     * @param c               C, the channels
     * @param spatial         H·W
     * @param mean            the per-channel mean, c floats
     * @param invStd          the per-channel 1/√(σ² + ε), c floats
     * @param gamma           γ, the per-channel scale, c floats
     * @param batchStatistics whether mean and invStd came from this batch (training)
     * @param gx              ∂L/∂x, x's size, written, or null
     * @param gGamma          ∂L/∂γ, c floats, written, or null
     * @param gBeta           ∂L/∂β, c floats, written, or null
     */
    public static void backward(Backend b, Storage x, Storage gy, int n, int c, int spatial, Storage mean, Storage invStd,
                                Storage gamma, boolean batchStatistics, Storage gx, Storage gGamma, Storage gBeta) {
        int[] full = {n, c, spatial};
        int[] channel = {1, c, 1};
        try (Temporaries t = new Temporaries(b)) {
            Storage xhat = t.binary(MUL, t.binary(SUB, x, full, mean, channel, full), full, invStd, channel, full);
            Storage sumG = t.scratch(c);
            b.reduce(ReduceOp.SUM, gy, full, sumG, channel);
            Storage sumGX = t.scratch(c);
            b.reduce(ReduceOp.SUM, t.binary(MUL, gy, xhat), full, sumGX, channel);
            if (gGamma != null) {
                b.copy(sumGX, gGamma);
            }
            if (gBeta != null) {
                b.copy(sumG, gBeta);
            }
            if (gx == null) {
                return;
            }
            Storage k = t.binary(MUL, gamma, invStd);
            if (!batchStatistics) {
                b.binary(MUL, gy, full, k, channel, gx, full);
                return;
            }
            Storage count = t.scalar((float) n * spatial);
            Storage meanG = t.binary(DIV, sumG, count);
            Storage meanGX = t.binary(DIV, sumGX, count);
            Storage centred = t.binary(SUB, gy, full, meanG, channel, full);
            Storage centredGX = t.binary(SUB, centred, t.binary(MUL, xhat, full, meanGX, channel, full));
            b.binary(MUL, centredGX, full, k, channel, gx, full);
        }
    }
}
