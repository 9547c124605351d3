package dev.nucleon.segmentation.networks;

import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.ConvTranspose2d;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Starts a wide U-Net from a trained narrow one without changing what it computes: Net2WiderNet (Chen, Goodfellow
 * &amp; Shlens 2016, "Net2Net: accelerating learning via knowledge transfer"), for a base k× larger.
 *
 * <p>Every widened layer has k copies of each of the narrow layer's channels: new channel j of a width-C layer is
 * old channel j mod C. A convolution's <em>outputs</em> (its weight's output dimension, its bias, and the batch
 * norm after it: scale, shift, running mean and variance) are copied as they are, so each copy computes the same
 * map as the original — in training mode too, since batch statistics of identical channels are identical. A
 * convolution's <em>inputs</em> then see every old channel k times, so the k weights that read the copies of one
 * old channel are the old weight times fractions a_1 … a_k that sum to 1: Σ_t a_t·w·x = w·x, and the wide network's
 * output equals the narrow one's up to float rounding. The fractions are drawn at random (a_t ∝ u_t, u_t uniform
 * in [0.5, 1.5], seeded) rather than all 1/k, so the copies get different gradients and grow apart in training;
 * with equal fractions they would stay identical forever.
 *
 * <p>Roles of the dimensions: {@link Conv2d} weight (out, in, kh, kw); {@link ConvTranspose2d} weight
 * (in, out, kh, kw); biases and {@link BatchNorm2d} tensors (out). The first convolution of each decoder level reads
 * concat(up-sampled, skip): its input dimension is two segments, each widened on its own. Dimensions whose size does
 * not change (the image's channels, the head's classes, a fixed hidden head width) are copied index for index.
 */
public final class UNetWidening {

    private UNetWidening() {
    }

    /**
     * Copies {@code narrow}'s weights into {@code wide}, widened as described above.
     *
     * @param narrow a U-Net
     * @param wide   a U-Net whose configuration equals {@code narrow}'s except for a base k× larger (k ≥ 1)
     * @param seed   seed of the fractions that split each input weight among its copies
     * @return k
     * @throws IllegalArgumentException when the configurations differ in anything but the base, or the bases are
     *                                  not a whole multiple
     */
    public static int widen(UNet narrow, UNet wide, long seed) {
        UNetConfig n = narrow.unetConfig();
        UNetConfig w = wide.unetConfig();
        if (w.base() % n.base() != 0) {
            throw new IllegalArgumentException("cannot widen a U-Net of base " + n.base() + " to base " + w.base()
                    + ": the new base must be a whole multiple of the old");
        }
        String asWide = n.toBuilder().base(w.base()).build().toString();
        if (!asWide.equals(w.toString())) {
            throw new IllegalArgumentException("cannot widen " + n + " into " + w
                    + ": the networks differ in more than the base");
        }
        int k = w.base() / n.base();
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Tensor> old = narrow.stateDict();
        Map<String, Tensor> widened = new LinkedHashMap<>();
        wide.namedModules().forEach((name, module) -> {
            String prefix = name.isEmpty() ? "" : name + ".";
            int outDim = -1;
            int inDim = -1;
            if (module instanceof Conv2d) {
                outDim = 0;
                inDim = 1;
            } else if (module instanceof ConvTranspose2d) {
                outDim = 1;
                inDim = 0;
            } else if (!(module instanceof BatchNorm2d)) {
                return; // no tensors of its own (activations, pooling, containers)
            }
            int[] segments = inDim < 0 ? null : inputSegments(w, name, module.stateDict().get("weight").shape()[inDim]);
            for (Map.Entry<String, Tensor> e : module.stateDict().entrySet()) {
                if (e.getKey().contains(".")) {
                    continue; // a child's, visited on its own
                }
                String full = prefix + e.getKey();
                Tensor source = old.get(full);
                int[] shape = e.getValue().shape();
                boolean isWeight = shape.length == 4;
                widened.put(full, Tensor.of(widen(source.toArray(), source.shape(), shape,
                        isWeight ? inDim : -1, isWeight ? segments : null, k, random), shape));
            }
        });
        wide.loadStateDict(widened, true);
        return k;
    }

    /**
     * Sizes (in the wide network) of the parts a convolution's input is concatenated from: two for the first
     * convolution of a decoder level (up-sampled, skip), one otherwise.
     */
    private static int[] inputSegments(UNetConfig w, String name, int in) {
        if (name.matches("dec\\d+\\.0")) {
            int level = Integer.parseInt(name.substring(3, name.indexOf('.')));
            int up = w.upMode() == UpMode.NEAREST ? w.filters(level + 1) : w.filters(level);
            int skip = w.filters(level);
            if (up + skip != in) {
                throw new IllegalStateException(name + ": expected " + up + " + " + skip + " input channels, has " + in);
            }
            return new int[] {up, skip};
        }
        return new int[] {in};
    }

    /**
     * One tensor, widened: every new element reads the old element its indices map to (j → j mod old size on a
     * widened dimension; within each segment on the input dimension), and on the input dimension is scaled by
     * its copy's fraction.
     */
    static float[] widen(float[] old, int[] oldShape, int[] newShape, int inDim, int[] newSegments, int k,
            SplittableRandom random) {
        int rank = newShape.length;
        if (oldShape.length != rank) {
            throw new IllegalArgumentException("rank " + Shape.str(oldShape) + " vs " + Shape.str(newShape));
        }
        int[][] map = new int[rank][];
        for (int d = 0; d < rank; d++) {
            if (newShape[d] != oldShape[d] && newShape[d] != k * oldShape[d]) {
                throw new IllegalArgumentException("cannot widen " + Shape.str(oldShape) + " to " + Shape.str(newShape)
                        + " by " + k);
            }
            map[d] = new int[newShape[d]];
            for (int j = 0; j < newShape[d]; j++) {
                map[d][j] = j % oldShape[d];
            }
        }
        boolean splitInputs = inDim >= 0 && newShape[inDim] != oldShape[inDim];
        int[] copyOf = null;
        int[] segmentOld = null;
        if (splitInputs) {
            copyOf = new int[newShape[inDim]];
            segmentOld = new int[newShape[inDim]];
            int startNew = 0;
            int startOld = 0;
            for (int s : newSegments) {
                int sOld = s / k;
                for (int r = 0; r < s; r++) {
                    map[inDim][startNew + r] = startOld + r % sOld;
                    copyOf[startNew + r] = r / sOld;
                    segmentOld[startNew + r] = sOld;
                }
                startNew += s;
                startOld += sOld;
            }
            if (startNew != newShape[inDim]) {
                throw new IllegalArgumentException("segments " + Arrays.toString(newSegments) + " do not add up to "
                        + newShape[inDim]);
            }
        }
        long[] oldStrides = Shape.strides(oldShape);
        long[] newStrides = Shape.strides(newShape);
        int total = Math.toIntExact(Shape.numel(newShape));
        float[] fraction = new float[total];
        if (splitInputs) {
            int segmentStride = (int) newStrides[inDim];
            for (int e = 0; e < total; e++) {
                int j = (e / segmentStride) % newShape[inDim];
                if (copyOf[j] != 0) {
                    continue;
                }
                // copies of this element's old input channel sit at j + t·s_old (same segment), t = 1 … k−1
                int sOld = segmentOld[j];
                double[] u = new double[k];
                double sum = 0;
                for (int t = 0; t < k; t++) {
                    u[t] = 0.5 + random.nextDouble();
                    sum += u[t];
                }
                for (int t = 0; t < k; t++) {
                    fraction[e + t * sOld * segmentStride] = (float) (u[t] / sum);
                }
            }
        } else {
            Arrays.fill(fraction, 1f);
        }
        float[] out = new float[total];
        int[] index = new int[rank];
        for (int e = 0; e < total; e++) {
            long rest = e;
            long o = 0;
            for (int d = 0; d < rank; d++) {
                index[d] = (int) (rest / newStrides[d]);
                rest %= newStrides[d];
                o += map[d][index[d]] * oldStrides[d];
            }
            out[e] = old[(int) o] * fraction[e];
        }
        return out;
    }
}
