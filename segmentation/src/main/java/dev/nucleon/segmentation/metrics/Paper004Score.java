package dev.nucleon.segmentation.metrics;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.morphology.ConnectedComponents;
import dev.nucleon.segmentation.morphology.Connectivity;

import java.util.List;

/**
 * Paper 004's two object scores of one image ("Metrics to evaluate the performance of model"): its
 * <b>average IoU</b> and its <b>precision</b>, a second scorer beside the official {@link MeanAveragePrecision}.
 *
 * <p>For each threshold T_k of {@code {0.50, 0.55, …, 0.95}} and every truth nucleus g_i (N_g of them): g_i is a
 * true positive when some predicted nucleus has IoU(g_i, p_j) &gt; T_k — its IoU is recorded — and a false
 * negative otherwise — its IoU is recorded as 0. So {@code TP_k + FN_k = N_g} at every k. A prediction is a false
 * positive only when its IoU with <em>every</em> truth nucleus is 0, i.e. it overlaps no truth pixel at all; FP
 * does not depend on k. Then
 * <pre>
 *   precision   = 1/10 · Σ_k TP_k / (TP_k + FN_k + FP) = 1/10 · Σ_k TP_k / (N_g + FP)
 *   average IoU = 1/10 · Σ_k ( 1/N_g · Σ_i IoU_i · [IoU_i &gt; T_k] )
 * </pre>
 * where IoU_i is the best IoU of g_i with any prediction (above 0.5 at most one prediction can match, so "the"
 * matching prediction is unique); the dataset values are the mean ± standard deviation (population, ddof = 0)
 * over images, as in {@link AverageIou#summarize}.
 *
 * <p><b>The false-positive rule is looser than the contest's.</b> The official score counts every prediction
 * that matches no truth at IoU &gt; t as a false positive; here a prediction that overlaps a truth nucleus
 * with IoU 0.3 (a merge, a badly drawn or split nucleus) is not a false positive — it costs only through the
 * truth it fails to match. Only predictions lying wholly on background are.
 *
 * <p><b>Which threshold the average IoU uses.</b> The paper says each truth cell is matched with a prediction
 * whose IoU exceeds "a preset threshold from {T_k}", records that IoU or 0, and averages over the image; it does
 * not say which T_k. We average over all ten, the same loop as its precision, because its own tables rule out
 * the single lowest threshold 0.5: with T = 0.5 a truth of IoU x adds x to the average IoU and
 * {@code #{k : x &gt; T_k}/10 < x + 0.05} to the precision, so an image's precision could never exceed its
 * average IoU by 0.05 or more — yet in every row of Tables 1 and 2 it does (e.g. U-Net B = 16: 0.533 and
 * 60.0 %, a gap of 0.067; the smallest gap is 0.053). Averaging over T_k weighs each truth by
 * x · #{k : x &gt; T_k}/10, below its precision term #{k : x &gt; T_k}/10 while false positives are few, which fits
 * every row. Measured with the bundled model decoded the paper's way on 50 grayscale images of stage1_train_fixed
 * (see {@code Paper004PostProcessing}): precision 0.620, average IoU over T_k 0.568 (0.052 lower, as in the
 * paper's rows), average IoU at 0.5 0.674 (higher than the precision, as it must be). The single-threshold reading
 * stays available as {@link AverageIou} (IoU &gt; 0.5), printed beside it.
 *
 * <p><b>Which objects.</b> {@link #of(LabelImage, LabelImage)} takes the label maps' objects as given (one truth
 * nucleus per DSB2018 mask, one prediction per label), as the official score does. The paper writes that "one
 * ground truth and predicted image were first decomposed to multiple connected regions and each connected region
 * represents one true cell", which read literally makes touching true nuclei one truth object: that reading is
 * {@link #ofConnectedRegions} (truth = 8-connected components of its foreground; predictions as given, which for
 * {@code Paper004PostProcessing}'s output are already its connected regions). It matters: on 50 grayscale images
 * of stage1_train (random validation split, fraction 0.1, seed 2018) 1,394 truth nuclei form 1,226 connected
 * regions, and the bundled model decoded the paper's way scores average IoU 0.601 and precision 0.653 with the
 * nuclei as given, 0.689 and 0.749 against the connected regions. {@code evaluate --metric paper004} prints both;
 * the first is the headline, the one comparable with every other score here. Empty images follow {@link MeanAveragePrecision}'s convention: no truth
 * and no prediction scores 1 on both; no truth but predictions scores 0 (all are false positives).
 *
 * @param truthCount     N_g, truth nuclei
 * @param predCount      predicted nuclei
 * @param thresholds     T_k
 * @param truePositives  TP_k, truth nuclei matched with IoU &gt; T_k (FN_k = N_g − TP_k)
 * @param falsePositives FP, predictions overlapping no truth pixel
 * @param precision      paper 004's precision of the image
 * @param averageIou     paper 004's average IoU of the image (mean over T_k, see above)
 */
public record Paper004Score(int truthCount, int predCount, double[] thresholds, int[] truePositives,
                            int falsePositives, double precision, double averageIou) {

    /** The dataset values: mean and standard deviation over images of each score. */
    public record Summary(double averageIou, double averageIouStd, double precision, double precisionStd,
                          int images) {
    }

    /**
     * {@return FN_k = N_g − TP_k}
     *
     * @param k threshold index, 0 ≤ k &lt; T
     */
    public int falseNegatives(int k) {
        return truthCount - truePositives[k];
    }

    /**
     * {@return TP_k / (TP_k + FN_k + FP), the precision at one threshold (1 for an image with nothing in it)}
     *
     * @param k threshold index, 0 ≤ k &lt; T
     */
    public double precisionAt(int k) {
        int den = truthCount + falsePositives;
        return den == 0 ? 1.0 : truePositives[k] / (double) den;
    }

    /**
     * {@return the scores of one image with the paper's thresholds 0.50:0.05:0.95}
     *
     * @param truth      true instances
     * @param prediction predicted instances, same size
     */
    public static Paper004Score of(LabelImage truth, LabelImage prediction) {
        return of(LabelOverlap.of(truth, prediction), MeanAveragePrecision.dsb2018Thresholds());
    }

    /**
     * The scores with the truth taken as the 8-connected regions of its foreground (touching true nuclei become one
     * object), the prediction as given; see the class comment.
     *
     * @param truth      true instances (merged into connected regions here)
     * @param prediction predicted instances, same size
     * @param thresholds T_k, each in [0.5, 1)
     * @return the scores of the image
     */
    public static Paper004Score ofConnectedRegions(LabelImage truth, LabelImage prediction, double[] thresholds) {
        return of(LabelOverlap.of(connectedRegions(truth), prediction), thresholds);
    }

    /** The 8-connected components of a label map's foreground, 1..N in raster order. */
    static LabelImage connectedRegions(LabelImage labels) {
        int[] l = labels.data();
        boolean[] m = new boolean[l.length];
        for (int i = 0; i < l.length; i++) {
            m[i] = l[i] > 0;
        }
        return ConnectedComponents.label(new BinaryMask(labels.width(), labels.height(), m), Connectivity.EIGHT);
    }

    /**
     * The scores of one image from its overlap table.
     *
     * @param overlap    the truth/prediction overlap of the image
     * @param thresholds T_k, each in [0.5, 1) (the paper's are {@link MeanAveragePrecision#dsb2018Thresholds()})
     * @return the scores of the image
     * @throws IllegalArgumentException when a threshold is outside [0.5, 1)
     */
    public static Paper004Score of(LabelOverlap overlap, double[] thresholds) {
        for (double t : thresholds) {
            if (!(t >= 0.5 && t < 1.0)) {
                throw new IllegalArgumentException("Paper004Score: IoU threshold " + t
                        + " outside [0.5, 1): below 0.5 a truth's match is not unique");
            }
        }
        int nt = overlap.truthCount(), np = overlap.predCount();
        double[] best = new double[nt];
        boolean[] touches = new boolean[np];
        for (int p = 0; p < overlap.pairCount(); p++) { // pairs share at least one pixel
            touches[overlap.pairPrediction(p)] = true;
            int t = overlap.pairTruth(p);
            best[t] = Math.max(best[t], overlap.iou(p));
        }
        int fp = 0;
        for (boolean b : touches) {
            fp += b ? 0 : 1;
        }
        int[] tp = new int[thresholds.length];
        double iouSum = 0, precisionSum = 0;
        for (int k = 0; k < thresholds.length; k++) {
            double recorded = 0;
            for (double x : best) {
                if (x > thresholds[k]) {
                    tp[k]++;
                    recorded += x;
                }
            }
            iouSum += nt == 0 ? (np == 0 ? 1.0 : 0.0) : recorded / nt;
            int den = nt + fp;
            precisionSum += den == 0 ? 1.0 : tp[k] / (double) den;
        }
        return new Paper004Score(nt, np, thresholds.clone(), tp, fp, precisionSum / thresholds.length,
                iouSum / thresholds.length);
    }

    /**
     * {@return mean ± std over images (NaN for no image)}
     *
     * @param images the per-image scores
     */
    public static Summary summarize(List<Paper004Score> images) {
        int n = images.size();
        if (n == 0) {
            return new Summary(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double iou = 0, prec = 0;
        for (Paper004Score s : images) {
            iou += s.averageIou();
            prec += s.precision();
        }
        iou /= n;
        prec /= n;
        double vi = 0, vp = 0;
        for (Paper004Score s : images) {
            vi += (s.averageIou() - iou) * (s.averageIou() - iou);
            vp += (s.precision() - prec) * (s.precision() - prec);
        }
        return new Summary(iou, Math.sqrt(vi / n), prec, Math.sqrt(vp / n), n);
    }
}
