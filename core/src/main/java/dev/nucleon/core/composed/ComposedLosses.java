package dev.nucleon.core.composed;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.ReduceOp;
import dev.nucleon.core.Shape;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.UnaryOp;

import static dev.nucleon.core.backend.BinaryOp.DIV;
import static dev.nucleon.core.backend.BinaryOp.MUL;
import static dev.nucleon.core.backend.BinaryOp.SUB;

/**
 * Softmax and the negative log-likelihood over the middle axis of a tensor viewed as (outer, dim, inner); the
 * per-(outer, inner) sums and maxima are reductions to (outer, 1, inner), broadcast back by the binary ops.
 */
public final class ComposedLosses {

    private ComposedLosses() {
    }

    /**
     * z = x − max_dim x (for stability); softmax = eᶻ / Σ_dim eᶻ, log-softmax = z − ln Σ_dim eᶻ.
     *
     * @param b     the backend whose primitives run the composition (and own every storage)
     * @param x     the scores, outer·dim·inner floats
     * @param y     the result, x's size, written
     * @param outer the product of the sizes before the axis
     * @param dim   the size of the axis
     * @param inner the product of the sizes after the axis
     * @param log   log-softmax (true) or softmax (false)
     */
    public static void softmax(Backend b, Storage x, Storage y, int outer, int dim, int inner, boolean log) {
        int[] full = {outer, dim, inner};
        int[] row = {outer, 1, inner};
        try (Temporaries t = new Temporaries(b)) {
            Storage max = t.scratch(Shape.numel(row));
            b.reduce(ReduceOp.MAX, x, full, max, row);
            Storage z = t.binary(SUB, x, full, max, row, full);
            Storage e = t.unary(UnaryOp.EXP, 0f, z);
            Storage sum = t.scratch(Shape.numel(row));
            b.reduce(ReduceOp.SUM, e, full, sum, row);
            if (log) {
                b.binary(SUB, z, full, t.unary(UnaryOp.LOG, 0f, sum), row, y, full);
            } else {
                b.binary(DIV, e, full, sum, row, y, full);
            }
        }
    }

    /**
     * softmax: gx = y·(gy − Σ_dim gy·y); log-softmax: gx = gy − eʸ·Σ_dim gy.
     *
     * @param b     the backend whose primitives run the composition (and own every storage)
     * @param y     the forward output
     * @param gy    ∂L/∂y
     * @param gx    ∂L/∂x, y's size, written
     * @param outer the product of the sizes before the axis
     * @param dim   the size of the axis
     * @param inner the product of the sizes after the axis
     * @param log   whether the forward pass was log-softmax
     */
    public static void softmaxBackward(Backend b, Storage y, Storage gy, Storage gx, int outer, int dim, int inner,
                                       boolean log) {
        int[] full = {outer, dim, inner};
        int[] row = {outer, 1, inner};
        try (Temporaries t = new Temporaries(b)) {
            Storage sum = t.scratch(Shape.numel(row));
            if (log) {
                b.reduce(ReduceOp.SUM, gy, full, sum, row);
                Storage p = t.unary(UnaryOp.EXP, 0f, y);
                b.binary(SUB, gy, full, t.binary(MUL, p, full, sum, row, full), full, gx, full);
            } else {
                b.reduce(ReduceOp.SUM, t.binary(MUL, gy, y), full, sum, row);
                b.binary(MUL, y, full, t.binary(SUB, gy, full, sum, row, full), full, gx, full);
            }
        }
    }

    /**
     * loss[o, i] = Σ_c logp[o, c, i]·mask[o, c, i] with mask = −1 at c = target[o, i], else 0.
     *
     * @param b       the backend whose primitives run the composition (and own every storage)
     * @param logp    log-probabilities, outer·classes·inner floats
     * @param target  class indices as floats, outer·inner floats
     * @param loss    the per-position loss, outer·inner floats, written
     * @param outer   the product of the sizes before the axis
     * @param classes K, the number of classes
     * @param inner   the product of the sizes after the axis
     */
    public static void nllLoss(Backend b, Storage logp, Storage target, Storage loss, int outer, int classes, int inner) {
        try (Temporaries t = new Temporaries(b)) {
            Storage mask = t.upload(negativeOneHot(b, target, outer, classes, inner));
            int[] full = {outer, classes, inner};
            b.reduce(ReduceOp.SUM, t.binary(MUL, logp, mask), full, loss, new int[] {outer, 1, inner});
        }
    }

    /**
     * gLogp[o, c, i] = mask[o, c, i]·gLoss[o, i]: −gLoss at the target class, 0 elsewhere.
     *
     * @param b       the backend whose primitives run the composition (and own every storage)
     * @param target  class indices as floats, outer·inner floats
     * @param gLoss   ∂L/∂loss per position, outer·inner floats
     * @param gLogp   ∂L/∂logp, outer·classes·inner floats, written
     * @param outer   the product of the sizes before the axis
     * @param classes K, the number of classes
     * @param inner   the product of the sizes after the axis
     */
    public static void nllLossBackward(Backend b, Storage target, Storage gLoss, Storage gLogp, int outer, int classes,
                                       int inner) {
        try (Temporaries t = new Temporaries(b)) {
            Storage mask = t.upload(negativeOneHot(b, target, outer, classes, inner));
            int[] full = {outer, classes, inner};
            b.binary(MUL, mask, full, gLoss, new int[] {outer, 1, inner}, gLogp, full);
        }
    }

    /** The targets read back to the host, checked, and written as −1 at (o, target[o, i], i) (host values). */
    private static float[] negativeOneHot(Backend b, Storage target, int outer, int classes, int inner) {
        float[] tv = new float[outer * inner];
        b.download(target, 0, tv, 0, tv.length);
        float[] mask = new float[outer * classes * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                float v = tv[o * inner + i];
                int c = (int) v;
                if (c != v || c < 0 || c >= classes) {
                    throw new IllegalArgumentException("cross_entropy: target at batch " + o + ", position " + i + " is "
                            + v + "; expected a class index in [0, " + classes + ")");
                }
                mask[(o * classes + c) * inner + i] = -1f;
            }
        }
        return mask;
    }
}
