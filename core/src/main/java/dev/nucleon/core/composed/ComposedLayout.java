package dev.nucleon.core.composed;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.RandomDistribution;
import dev.nucleon.core.Shape;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.random.CounterRandom;

/**
 * Memory and layout ops as strided copies ({@link Backend#copyStrided}). A contiguous row-major tensor of shape
 * (s₀, …, s_{r−1}) has strides {@code stride[d] = s_{d+1}·…·s_{r−1}} ({@link Shape#strides}); every layout op is a copy that walks one
 * box with the strides of a view of the source and of the destination.
 */
public final class ComposedLayout {

    private ComposedLayout() {
    }

    /**
     * target[i] = value: one float uploaded and read with stride 0.
     *
     * @param b      the backend whose primitives run the composition (and own every storage)
     * @param target the storage written
     * @param value  the value
     */
    public static void fill(Backend b, Storage target, float value) {
        if (target.size() == 0) {
            return;
        }
        Storage one = b.upload(new float[] {value}, 0, 1);
        b.copyStrided(one, 0, new long[] {0}, target, 0, new long[] {1}, new int[] {Math.toIntExact(target.size())}, false);
        b.release(one);
    }

    /**
     * target[i] = source[i] for i &lt; source.size().
     *
     * @param b      the backend whose primitives run the composition (and own every storage)
     * @param source the storage read
     * @param target the storage written
     */
    public static void copy(Backend b, Storage source, Storage target) {
        if (source.size() == 0) {
            return;
        }
        b.copyStrided(source, 0, new long[] {1}, target, 0, new long[] {1}, new int[] {Math.toIntExact(source.size())}, false);
    }

    /**
     * The counter-based fill, generated on the host by {@link CounterRandom} (the specification every backend
     * matches bit for bit) and uploaded: uniform {@code p1 + (p2 − p1)·u} (kept below p2), normal
     * {@code p1 + p2·z}, scaled Bernoulli {@code u < p1 ? 1/p1 : 0}.
     *
     * @param b            the backend whose primitives run the composition (and own every storage)
     * @param target       the storage written
     * @param distribution the distribution
     * @param seed         the generator's seed
     * @param p1           the op's first scalar parameter
     * @param p2           the op's second scalar parameter
     */
    public static void fillRandom(Backend b, Storage target, RandomDistribution distribution, long seed, float p1, float p2) {
        float[] v = new float[Math.toIntExact(target.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (distribution) {
                case UNIFORM -> {
                    float u = p1 + (p2 - p1) * CounterRandom.uniform(seed, i);
                    yield u < p2 ? u : Math.nextDown(p2);
                }
                case NORMAL -> p1 + p2 * CounterRandom.normal(seed, i);
                case BERNOULLI_SCALED -> CounterRandom.uniform(seed, i) < p1 ? 1f / p1 : 0f;
            };
        }
        Storage host = b.upload(v, 0, v.length);
        copy(b, host, target);
        b.release(host);
    }

    /**
     * y[i₀, …] = x[i_{perm⁻¹}…]: walk y's box, reading x with its strides permuted ({@code perm[d]} is x's axis).
     *
     * @param b      the backend whose primitives run the composition (and own every storage)
     * @param x      the input
     * @param xShape x's shape
     * @param perm   a permutation of 0 … rank−1: y's axis d is x's axis perm[d]
     * @param y      the output, x's size, written
     */
    public static void permute(Backend b, Storage x, int[] xShape, int[] perm, Storage y) {
        long[] xStrides = Shape.strides(xShape);
        int[] yShape = new int[perm.length];
        long[] read = new long[perm.length];
        for (int d = 0; d < perm.length; d++) {
            yShape[d] = xShape[perm[d]];
            read[d] = xStrides[perm[d]];
        }
        if (Shape.numel(yShape) == 0) {
            return;
        }
        b.copyStrided(x, 0, read, y, 0, Shape.strides(yShape), yShape, false);
    }

    /**
     * dst[dstStart + i] (+)= src[srcStart + i] for i in the box {@code region}.
     *
     * @param b          the backend whose primitives run the composition (and own every storage)
     * @param src        the source storage
     * @param srcShape   src's shape
     * @param srcStart   the box's corner in src
     * @param dst        the target storage, not src
     * @param dstShape   dst's shape
     * @param dstStart   the box's corner in dst
     * @param region     the box's size per axis
     * @param accumulate add into dst (true) or overwrite it (false)
     */
    public static void copyRegion(Backend b, Storage src, int[] srcShape, int[] srcStart, Storage dst, int[] dstShape,
                                  int[] dstStart, int[] region, boolean accumulate) {
        if (Shape.numel(region) == 0) {
            return;
        }
        long[] ss = Shape.strides(srcShape);
        long[] ds = Shape.strides(dstShape);
        b.copyStrided(src, offset(srcStart, ss), ss, dst, offset(dstStart, ds), ds, region, accumulate);
    }

    private static long offset(int[] start, long[] strides) {
        long o = 0;
        for (int d = 0; d < start.length; d++) {
            o += start[d] * strides[d];
        }
        return o;
    }
}
