package dev.nucleon.segmentation.metrics;

import dev.nucleon.segmentation.image.LabelImage;

import java.util.Arrays;

/**
 * The overlap of two instance label maps in one pass over the pixels: object areas and the sparse
 * intersection histogram {@code |T_i ∩ P_j|} of every (truth, prediction) pair that shares a pixel
 * (a primitive hash keyed by the label pair). IoU of any pair follows as
 * {@code |T ∩ P| / (|T| + |P| − |T ∩ P|)} without a per-pair mask loop: O(pixels + pairs).
 *
 * <p>Objects are the distinct non-zero label values (a value whose pixels form two blobs is one object,
 * as one mask file / one RLE row was in the contest). Objects are indexed 0..n−1 in increasing label value.
 */
public final class LabelOverlap {
    private final int truthCount;
    private final int predCount;
    private final long[] truthArea;
    private final long[] predArea;
    private final int[] pairTruth;
    private final int[] pairPred;
    private final long[] pairIntersection;

    private LabelOverlap(int truthCount, int predCount, long[] truthArea, long[] predArea, int[] pairTruth,
                         int[] pairPred, long[] pairIntersection) {
        this.truthCount = truthCount;
        this.predCount = predCount;
        this.truthArea = truthArea;
        this.predArea = predArea;
        this.pairTruth = pairTruth;
        this.pairPred = pairPred;
        this.pairIntersection = pairIntersection;
    }

    /**
     * {@return overlap of {@code truth} and {@code prediction}, which must have the same size}
     *
     * @param truth      true instances
     * @param prediction predicted instances
     * @throws IllegalArgumentException when the sizes differ
     */
    public static LabelOverlap of(LabelImage truth, LabelImage prediction) {
        if (truth.width() != prediction.width() || truth.height() != prediction.height()) {
            throw new IllegalArgumentException("LabelOverlap: truth is " + truth.width() + "x" + truth.height()
                    + ", prediction " + prediction.width() + "x" + prediction.height());
        }
        int[] t = compact(truth.data());
        int[] p = compact(prediction.data());
        int nt = t[t.length - 1], np = p[p.length - 1]; // object counts stored at the end
        long[] ta = new long[nt], pa = new long[np];
        PairCounter pairs = new PairCounter(64);
        int n = truth.data().length;
        for (int i = 0; i < n; i++) {
            int a = t[i], b = p[i];
            if (a > 0) {
                ta[a - 1]++;
            }
            if (b > 0) {
                pa[b - 1]++;
            }
            if (a > 0 && b > 0) {
                pairs.increment(((long) (a - 1) << 32) | (b - 1));
            }
        }
        int m = pairs.size();
        int[] pt = new int[m], pp = new int[m];
        long[] pi = new long[m];
        long[] keys = pairs.keys();
        long[] counts = pairs.counts();
        int j = 0;
        for (int s = 0; s < keys.length; s++) {
            if (counts[s] > 0) {
                pt[j] = (int) (keys[s] >>> 32);
                pp[j] = (int) keys[s];
                pi[j] = counts[s];
                j++;
            }
        }
        return new LabelOverlap(nt, np, ta, pa, pt, pp, pi);
    }

    /**
     * Maps label values to 1..n in increasing value (0 stays 0); the returned array has one extra last
     * element holding n.
     */
    private static int[] compact(int[] labels) {
        int max = 0;
        for (int v : labels) {
            if (v > max) {
                max = v;
            }
        }
        int[] out = new int[labels.length + 1];
        if (max <= (1 << 24)) {
            int[] map = new int[max + 1];
            for (int v : labels) {
                if (v > 0) {
                    map[v] = 1;
                }
            }
            int n = 0;
            for (int v = 1; v <= max; v++) {
                if (map[v] != 0) {
                    map[v] = ++n;
                }
            }
            for (int i = 0; i < labels.length; i++) {
                out[i] = labels[i] > 0 ? map[labels[i]] : 0;
            }
            out[labels.length] = n;
        } else {
            int[] distinct = Arrays.stream(labels).filter(v -> v > 0).distinct().sorted().toArray();
            for (int i = 0; i < labels.length; i++) {
                out[i] = labels[i] > 0 ? Arrays.binarySearch(distinct, labels[i]) + 1 : 0;
            }
            out[labels.length] = distinct.length;
        }
        return out;
    }

    /** {@return number of truth objects} */
    public int truthCount() {
        return truthCount;
    }

    /** {@return number of predicted objects} */
    public int predCount() {
        return predCount;
    }

    /** {@return number of (truth, prediction) pairs with a non-empty intersection} */
    public int pairCount() {
        return pairTruth.length;
    }

    /**
     * {@return truth object index (0-based) of pair k}
     *
     * @param k pair index, 0 ≤ k &lt; {@link #pairCount()}
     */
    public int pairTruth(int k) {
        return pairTruth[k];
    }

    /**
     * {@return predicted object index (0-based) of pair k}
     *
     * @param k pair index, 0 ≤ k &lt; {@link #pairCount()}
     */
    public int pairPrediction(int k) {
        return pairPred[k];
    }

    /**
     * {@return the pixels of pair k's truth and prediction in common, ≥ 1}
     *
     * @param k pair index, 0 ≤ k &lt; {@link #pairCount()}
     */
    public long intersection(int k) {
        return pairIntersection[k];
    }

    /**
     * {@return the pixels of pair k's truth or prediction}
     *
     * @param k pair index, 0 ≤ k &lt; {@link #pairCount()}
     */
    public long union(int k) {
        return truthArea[pairTruth[k]] + predArea[pairPred[k]] - pairIntersection[k];
    }

    /**
     * {@return IoU of pair k}
     *
     * @param k pair index, 0 ≤ k &lt; {@link #pairCount()}
     */
    public double iou(int k) {
        return pairIntersection[k] / (double) union(k);
    }

    /**
     * {@return the area of true object i, pixels}
     *
     * @param i truth object index, 0-based, in increasing label order
     */
    public long truthArea(int i) {
        return truthArea[i];
    }

    /**
     * {@return the area of predicted object j, pixels}
     *
     * @param j predicted object index, 0-based, in increasing label order
     */
    public long predArea(int j) {
        return predArea[j];
    }

    /** Open-addressing hash map from a long key to a count (linear probing, power-of-two table). */
    private static final class PairCounter {
        private long[] keys;
        private long[] counts;
        private int size;

        PairCounter(int capacity) {
            keys = new long[capacity];
            counts = new long[capacity];
        }

        void increment(long key) {
            int mask = keys.length - 1;
            int s = mix(key) & mask;
            while (counts[s] != 0 && keys[s] != key) {
                s = (s + 1) & mask;
            }
            if (counts[s] == 0) {
                keys[s] = key;
                size++;
                if (size * 2 > keys.length) {
                    counts[s] = 1;
                    grow();
                    return;
                }
            }
            counts[s]++;
        }

        private void grow() {
            long[] ok = keys, oc = counts;
            keys = new long[ok.length * 2];
            counts = new long[ok.length * 2];
            int mask = keys.length - 1;
            for (int i = 0; i < ok.length; i++) {
                if (oc[i] != 0) {
                    int s = mix(ok[i]) & mask;
                    while (counts[s] != 0) {
                        s = (s + 1) & mask;
                    }
                    keys[s] = ok[i];
                    counts[s] = oc[i];
                }
            }
        }

        private static int mix(long k) {
            k *= 0x9E3779B97F4A7C15L;
            return (int) (k ^ (k >>> 29));
        }

        int size() {
            return size;
        }

        long[] keys() {
            return keys;
        }

        long[] counts() {
            return counts;
        }
    }
}
