package dev.nucleon.segmentation.metrics;

import dev.nucleon.segmentation.image.LabelImage;

import java.util.Arrays;
import java.util.Collection;

/**
 * What went wrong with the nuclei of one image (or, summed with {@link #plus}, of many) at IoU 0.5: every true
 * nucleus is exactly one of matched, merged, split or missed, and every prediction either matches a true nucleus
 * or is a false positive.
 *
 * <p>Definitions (T a true nucleus, P a predicted one, areas in pixels, from {@link LabelOverlap}):
 * <ul>
 *   <li><b>matched</b>: T has a prediction with IoU(T, P) &gt; {@value #IOU} (unique, as in
 *       {@link MeanAveragePrecision}). The other three apply to unmatched T only, tested in this order.</li>
 *   <li><b>merged</b>: P <em>holds</em> T when |T ∩ P| &gt; ½·|T| (at most one P holds a given T). T is merged
 *       when its holder holds ≥ 2 true nuclei (matched ones included): T was swallowed with a neighbour.</li>
 *   <li><b>split</b>: the predictions that each cover ≥ {@value #SPLIT_PIECE_PERCENT} % of T
 *       (100·|T ∩ P| ≥ 10·|T|, in integers) are at least two, and together cover more than half of T
 *       (Σ|T ∩ P| &gt; ½·|T|): T was cut into pieces.</li>
 *   <li><b>missed</b>: the rest: no or too little prediction on T, or one too badly outlined
 *       (e.g. a single prediction that holds only T but is at least twice its size, so IoU ≤ 0.5).</li>
 *   <li><b>false positives</b>: predictions with IoU ≤ {@value #IOU} against every true nucleus; the pieces of a
 *       split nucleus and the blobs of merged ones count here too, as in FP(0.5) of {@link ImageScore}.</li>
 * </ul>
 * Invariants: {@code matched + merged + split + missed == truth}, {@code matched + falsePositives == predicted}.
 *
 * @param truth          true nuclei
 * @param predicted      predicted nuclei
 * @param matched        true nuclei found with IoU &gt; 0.5 (= TP(0.5))
 * @param merged         unmatched true nuclei whose holder holds ≥ 2 true nuclei
 * @param split          unmatched, not merged true nuclei cut into ≥ 2 pieces of ≥ 10 % covering &gt; 50 %
 * @param missed         unmatched true nuclei neither merged nor split (= FN(0.5) − merged − split)
 * @param falsePositives predictions matching no true nucleus (= FP(0.5))
 */
public record InstanceErrors(long truth, long predicted, long matched, long merged, long split, long missed,
                             long falsePositives) {
    /** The IoU above which a pair matches. */
    public static final double IOU = 0.5;
    /** The smallest part of a true nucleus, in percent, a prediction must cover to count as a piece of a split. */
    public static final int SPLIT_PIECE_PERCENT = 10;
    /** No image, no error. */
    public static final InstanceErrors ZERO = new InstanceErrors(0, 0, 0, 0, 0, 0, 0);

    /**
     * Checks that the counts add up (the invariants above).
     *
     * @param truth          true nuclei
     * @param predicted      predicted nuclei
     * @param matched        true nuclei found with IoU &gt; 0.5 (= TP(0.5))
     * @param merged         unmatched true nuclei whose holder holds ≥ 2 true nuclei
     * @param split          unmatched, not merged true nuclei cut into ≥ 2 pieces of ≥ 10 % covering &gt; 50 %
     * @param missed         unmatched true nuclei neither merged nor split (= FN(0.5) − merged − split)
     * @param falsePositives predictions matching no true nucleus (= FP(0.5))
     * @throws IllegalArgumentException when the counts do not add up or one is negative
     */
    public InstanceErrors {
        if (matched + merged + split + missed != truth || matched + falsePositives != predicted
                || Math.min(Math.min(Math.min(truth, predicted), Math.min(matched, merged)),
                Math.min(Math.min(split, missed), falsePositives)) < 0) {
            throw new IllegalArgumentException("InstanceErrors: counts do not add up: truth " + truth + " = matched "
                    + matched + " + merged " + merged + " + split " + split + " + missed " + missed + ", predicted "
                    + predicted + " = matched + false positives " + falsePositives + ", none negative");
        }
    }

    /**
     * {@return the errors of one image; the maps must have the same size}
     *
     * @param truth      true instances
     * @param prediction predicted instances, same size
     */
    public static InstanceErrors of(LabelImage truth, LabelImage prediction) {
        return of(LabelOverlap.of(truth, prediction));
    }

    /**
     * {@return the errors of one image from its overlap table}
     *
     * @param o the truth/prediction overlap of the image
     */
    public static InstanceErrors of(LabelOverlap o) {
        int nt = o.truthCount(), np = o.predCount();
        boolean[] truthMatched = new boolean[nt], predMatched = new boolean[np];
        int[] holder = new int[nt];
        Arrays.fill(holder, -1);
        int[] holds = new int[np];
        long[] pieces = new long[nt], pieceArea = new long[nt];
        for (int k = 0; k < o.pairCount(); k++) {
            int t = o.pairTruth(k), p = o.pairPrediction(k);
            long inter = o.intersection(k), area = o.truthArea(t);
            if (o.iou(k) > IOU) {
                truthMatched[t] = true;
                predMatched[p] = true;
            }
            if (2 * inter > area) {
                holder[t] = p;
                holds[p]++;
            }
            if (100 * inter >= (long) SPLIT_PIECE_PERCENT * area) {
                pieces[t]++;
                pieceArea[t] += inter;
            }
        }
        long matched = 0, merged = 0, split = 0, missed = 0, fp = 0;
        for (int t = 0; t < nt; t++) {
            if (truthMatched[t]) {
                matched++;
            } else if (holder[t] >= 0 && holds[holder[t]] >= 2) {
                merged++;
            } else if (pieces[t] >= 2 && 2 * pieceArea[t] > o.truthArea(t)) {
                split++;
            } else {
                missed++;
            }
        }
        for (boolean m : predMatched) {
            if (!m) {
                fp++;
            }
        }
        return new InstanceErrors(nt, np, matched, merged, split, missed, fp);
    }

    /**
     * {@return the sum over images}
     *
     * @param all the per-image errors
     */
    public static InstanceErrors sum(Collection<InstanceErrors> all) {
        InstanceErrors s = ZERO;
        for (InstanceErrors e : all) {
            s = s.plus(e);
        }
        return s;
    }

    /**
     * {@return the errors of both added}
     *
     * @param o the other errors
     */
    public InstanceErrors plus(InstanceErrors o) {
        return new InstanceErrors(truth + o.truth, predicted + o.predicted, matched + o.matched, merged + o.merged,
                split + o.split, missed + o.missed, falsePositives + o.falsePositives);
    }
}
