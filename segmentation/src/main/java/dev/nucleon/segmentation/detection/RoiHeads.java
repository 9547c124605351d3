package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Boxes;
import dev.nucleon.core.ops.Indexing;
import dev.nucleon.core.ops.Losses;
import dev.nucleon.core.ops.RoiAlign;
import dev.nucleon.nn.Module;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The second stage of Mask R-CNN, torchvision's {@code RoIHeads}: per proposal a class and a refined box
 * ({@code box_head} {@link TwoMlpHead} → {@code box_predictor} {@link FastRcnnPredictor} on 7×7 RoIAlign
 * patches), and per foreground detection a 28×28 mask ({@code mask_head} {@link MaskRcnnHeads} →
 * {@code mask_predictor} {@link MaskRcnnPredictor} on 14×14 patches), both pooled by {@link MultiScaleRoiAlign}
 * (sampling ratio 2) from P2 … P5.
 *
 * <p><b>Training</b> ({@link #losses}): the ground-truth boxes join each image's proposals; proposals are matched
 * to them ({@link Matcher} 0.5/0.5: IoU ≥ 0.5 foreground with the matched box's label, else background 0); 512 per
 * image are sampled with at most 25 % foreground ({@link BalancedSampler}). Over the S sampled RoIs of the batch,
 * P of them foreground,
 * <pre>
 *   loss_classifier = mean_S CE(class_logits, label)
 *   loss_box_reg    = Σ_P smooth-L1_β=1/9(deltas[label] − encode_(10,10,5,5)(gt, proposal)) / S
 *   loss_mask       = mean_{P·28·28} BCE-with-logits(mask_logits[label], target)
 * </pre>
 * the mask target being RoIAlign (28×28, scale 1, adaptive sampling, not aligned) of the matched ground-truth
 * mask over the proposal, fractional as in torchvision. Without a foreground RoI the box and mask losses are 0.
 *
 * <p><b>Inference</b> ({@link #detect}): class probabilities softmax(class_logits); per proposal and foreground
 * class the decoded box, clipped to the image; candidates with score &gt; 0.05 and sides ≥ 0.01 go through NMS
 * at IoU 0.5 within each class; the best 100 are kept; their masks are σ(mask_logits[label]), (D, 1, 28, 28).
 */
public final class RoiHeads extends Module {

    /** IoU from which a proposal is foreground (and below which it is background). */
    public static final float FG_IOU = 0.5f;
    /** The largest share of foreground among the sampled RoIs. */
    public static final float POSITIVE_FRACTION = 0.25f;
    /** Box regression weights (wx, wy, ww, wh) of the box head. */
    public static final float[] BOX_WEIGHTS = {10, 10, 5, 5};
    /** Detections narrower or lower than this are dropped. */
    public static final float MIN_SIZE = 1e-2f;
    /** The side of the box head's pooled patches. */
    public static final int BOX_POOL = 7;
    /** The side of the mask head's pooled patches. */
    public static final int MASK_POOL = 14;
    /** The side of the predicted masks and of their targets. */
    public static final int MASK_SIZE = 28;

    /** One image's ground truth for the heads: G boxes (G·4 floats), labels in 1 … K−1, masks (G, H, W) or null. */
    public record GroundTruth(float[] boxes, int[] labels, Tensor masks) {
    }

    /** One image's detections: D boxes (D·4), scores, labels in 1 … K−1, mask probabilities (D, 1, 28, 28). */
    public record Detections(float[] boxes, float[] scores, int[] labels, Tensor masks) {

        /** {@return D, the number of detections} */
        public int count() {
            return scores.length;
        }
    }

    private final TwoMlpHead boxHead;
    private final FastRcnnPredictor boxPredictor;
    private final MaskRcnnHeads maskHead;
    private final MaskRcnnPredictor maskPredictor;
    private final MultiScaleRoiAlign boxRoiPool = new MultiScaleRoiAlign(BOX_POOL, 2);
    private final MultiScaleRoiAlign maskRoiPool = new MultiScaleRoiAlign(MASK_POOL, 2);
    private final BoxCoder coder = new BoxCoder(BOX_WEIGHTS[0], BOX_WEIGHTS[1], BOX_WEIGHTS[2], BOX_WEIGHTS[3]);
    private final Matcher matcher = new Matcher(FG_IOU, FG_IOU, false);
    private final BalancedSampler sampler;
    private final float scoreThresh;
    private final float nmsThresh;
    private final int detectionsPerImage;
    private final int classes;

    /**
     * Heads.
     *
     * @param channels           F, the pyramid's channels
     * @param representationSize D, the box head's width (1024)
     * @param maskChannels       the mask trunk's channels (256)
     * @param classes            K, with the background
     * @param batchSizePerImage  RoIs sampled per image in training (512)
     * @param scoreThresh        the lowest score of a detection (0.05)
     * @param nmsThresh          the per-class NMS IoU threshold (0.5)
     * @param detectionsPerImage the most detections per image (100)
     */
    public RoiHeads(int channels, int representationSize, int maskChannels, int classes, int batchSizePerImage,
                    float scoreThresh, float nmsThresh, int detectionsPerImage) {
        this.classes = classes;
        boxHead = registerModule("box_head", new TwoMlpHead(channels, BOX_POOL, representationSize));
        boxPredictor = registerModule("box_predictor", new FastRcnnPredictor(representationSize, classes));
        maskHead = registerModule("mask_head", new MaskRcnnHeads(channels, maskChannels));
        maskPredictor = registerModule("mask_predictor", new MaskRcnnPredictor(maskChannels, classes));
        sampler = new BalancedSampler(batchSizePerImage, POSITIVE_FRACTION);
        this.scoreThresh = scoreThresh;
        this.nmsThresh = nmsThresh;
        this.detectionsPerImage = detectionsPerImage;
    }

    /** The sampled RoIs of one image: boxes, labels (0 background), matched ground-truth index per foreground RoI. */
    record SampledRois(float[] boxes, int[] labels, int[] matchedGt) {
    }

    /**
     * {@return one image's training RoIs: proposals + ground-truth boxes, matched, sampled (index order)}
     *
     * @param proposals k·4 floats
     * @param gt        the image's ground truth
     * @param random    the sampler's generator
     */
    SampledRois sample(float[] proposals, GroundTruth gt, SplittableRandom random) {
        float[] boxes = Arrays.copyOf(proposals, proposals.length + gt.boxes().length);
        System.arraycopy(gt.boxes(), 0, boxes, proposals.length, gt.boxes().length);
        int r = boxes.length / 4;
        int g = gt.boxes().length / 4;
        float[] iou = g == 0 ? new float[0] : Boxes.iou(Tensor.of(gt.boxes(), g, 4), Tensor.of(boxes, r, 4)).toArray();
        int[] matches = matcher.match(iou, g, r);
        int[] labels = new int[r];
        for (int j = 0; j < r; j++) {
            labels[j] = matches[j] >= 0 ? gt.labels()[matches[j]] : matches[j] == Matcher.BETWEEN_THRESHOLDS ? -1 : 0;
        }
        int[] chosen = sampler.sample(labels, random).all();
        float[] outBoxes = new float[4 * chosen.length];
        int[] outLabels = new int[chosen.length];
        int[] outMatched = new int[chosen.length];
        for (int j = 0; j < chosen.length; j++) {
            System.arraycopy(boxes, 4 * chosen[j], outBoxes, 4 * j, 4);
            outLabels[j] = labels[chosen[j]];
            outMatched[j] = matches[chosen[j]];
        }
        return new SampledRois(outBoxes, outLabels, outMatched);
    }

    /**
     * {@return loss_classifier, loss_box_reg and loss_mask (see the class comment), scalars differentiable in the
     * heads and the pyramid}
     *
     * @param maps      P2 … P5 (N, F, H_l, W_l)
     * @param proposals per image, its proposals (k·4 floats)
     * @param targets   per image, its ground truth
     * @param imageH    the image height
     * @param random    the sampler's generator
     */
    public Tensor[] losses(List<Tensor> maps, List<float[]> proposals, List<GroundTruth> targets, int imageH,
                           SplittableRandom random) {
        int n = proposals.size();
        List<SampledRois> rois = new ArrayList<>();
        List<float[]> roiBoxes = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < n; i++) {
            SampledRois s = sample(proposals.get(i), targets.get(i), random);
            rois.add(s);
            roiBoxes.add(s.boxes());
            total += s.labels().length;
        }
        if (total == 0) { // no proposal and no ground truth in any image: nothing to learn here
            Tensor zero = maps.get(0).sum().mul(0f);
            return new Tensor[] {zero, zero, zero};
        }
        Tensor out = boxPredictor.forward(boxHead.forward(boxRoiPool.pool(maps, roiBoxes, imageH)));
        Tensor classLogits = boxPredictor.classLogits(out);
        Tensor boxRegression = boxPredictor.boxRegression(out);
        float[] labels = new float[total];
        List<Integer> fgRows = new ArrayList<>();     // row·K + label of each foreground RoI in (S·K, 4)
        List<float[]> fgGt = new ArrayList<>();
        List<float[]> fgBoxes = new ArrayList<>();
        List<Integer> fgLabel = new ArrayList<>();
        List<Integer> fgMatched = new ArrayList<>();
        List<Integer> fgImage = new ArrayList<>();
        int row = 0;
        for (int i = 0; i < n; i++) {
            SampledRois s = rois.get(i);
            for (int j = 0; j < s.labels().length; j++, row++) {
                labels[row] = s.labels()[j];
                if (s.labels()[j] > 0) {
                    fgRows.add(row * classes + s.labels()[j]);
                    fgGt.add(Arrays.copyOfRange(targets.get(i).boxes(), 4 * s.matchedGt()[j], 4 * s.matchedGt()[j] + 4));
                    fgBoxes.add(Arrays.copyOfRange(s.boxes(), 4 * j, 4 * j + 4));
                    fgLabel.add(s.labels()[j]);
                    fgMatched.add(s.matchedGt()[j]);
                    fgImage.add(i);
                }
            }
        }
        Tensor classifierLoss = Losses.crossEntropy(classLogits, Tensor.of(labels, total).to(classLogits.device()));
        int p = fgRows.size();
        if (p == 0) {
            Tensor zero = boxRegression.sum().mul(0f);
            return new Tensor[] {classifierLoss, zero, zero};
        }
        Tensor fgDeltas = Indexing.gather(boxRegression.reshape(total * classes, 4), 0,
                RegionProposalNetwork.toArray(fgRows));
        Tensor regressionTargets = coder.encode(Tensor.of(flatten(fgGt), p, 4), Tensor.of(flatten(fgBoxes), p, 4))
                .to(fgDeltas.device());
        Tensor boxLoss = SmoothL1Loss.sum(fgDeltas, regressionTargets, SmoothL1Loss.BETA).div(total);

        List<float[]> fgPerImage = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<float[]> mine = new ArrayList<>();
            for (int j = 0; j < p; j++) {
                if (fgImage.get(j) == i) {
                    mine.add(fgBoxes.get(j));
                }
            }
            fgPerImage.add(flatten(mine));
        }
        Tensor maskLogits = maskPredictor.forward(maskHead.forward(maskRoiPool.pool(maps, fgPerImage, imageH)));
        int[] channel = new int[p];
        for (int j = 0; j < p; j++) {
            channel[j] = j * classes + fgLabel.get(j);
        }
        Tensor chosen = Indexing.gather(maskLogits.reshape(p * classes, MASK_SIZE, MASK_SIZE), 0, channel);
        Tensor maskTargets = maskTargets(targets, fgImage, fgMatched, fgBoxes).to(chosen.device());
        Tensor maskLoss = Losses.binaryCrossEntropyWithLogits(chosen, maskTargets);
        return new Tensor[] {classifierLoss, boxLoss, maskLoss};
    }

    /**
     * torchvision's {@code project_masks_on_boxes}: each foreground RoI's matched ground-truth mask, RoIAligned
     * (28×28, scale 1, adaptive sampling, not aligned) over the RoI's box; (P, 28, 28) in [0, 1].
     */
    @SuppressWarnings("try") // the no-grad scope is used only for its effect
    static Tensor maskTargets(List<GroundTruth> targets, List<Integer> image, List<Integer> matched,
                              List<float[]> boxes) {
        int p = boxes.size();
        float[] out = new float[p * MASK_SIZE * MASK_SIZE];
        try (var scope = Autograd.noGrad()) {
            for (int j = 0; j < p; j++) {
                Tensor masks = targets.get(image.get(j)).masks();
                int h = masks.size(1);
                int w = masks.size(2);
                float[] roi = new float[5];
                roi[0] = 0;
                System.arraycopy(boxes.get(j), 0, roi, 1, 4);
                Tensor one = masks.slice(0, matched.get(j), matched.get(j) + 1).reshape(1, 1, h, w);
                Tensor t = RoiAlign.roiAlign(one, Tensor.of(roi, 1, 5).to(one.device()), MASK_SIZE, MASK_SIZE, 1f, 0,
                        false);
                System.arraycopy(t.toArray(), 0, out, j * MASK_SIZE * MASK_SIZE, MASK_SIZE * MASK_SIZE);
            }
        }
        return Tensor.of(out, p, MASK_SIZE, MASK_SIZE);
    }

    /**
     * {@return per image, its detections (see the class comment)}
     *
     * @param maps      P2 … P5 (N, F, H_l, W_l)
     * @param proposals per image, its proposals (k·4 floats)
     * @param imageH    the image height
     * @param imageW    the image width
     */
    public List<Detections> detect(List<Tensor> maps, List<float[]> proposals, int imageH, int imageW) {
        int n = proposals.size();
        int total = 0;
        for (float[] p : proposals) {
            total += p.length / 4;
        }
        List<float[]> boxes = new ArrayList<>();
        List<float[]> scores = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        if (total > 0) {
            Tensor out = boxPredictor.forward(boxHead.forward(boxRoiPool.pool(maps, proposals, imageH)));
            float[] probabilities = boxPredictor.classLogits(out).softmax(1).toArray();
            float[] decoded = coder.decode(boxPredictor.boxRegression(out),
                    Tensor.of(flatten(proposals), total, 4).to(out.device())).toArray();
            int offset = 0;
            for (float[] p : proposals) {
                int r = p.length / 4;
                postprocess(Arrays.copyOfRange(probabilities, offset * classes, (offset + r) * classes),
                        Arrays.copyOfRange(decoded, offset * 4 * classes, (offset + r) * 4 * classes), imageH, imageW,
                        boxes, scores, labels);
                offset += r;
            }
        } else {
            for (int i = 0; i < n; i++) {
                boxes.add(new float[0]);
                scores.add(new float[0]);
                labels.add(new int[0]);
            }
        }
        int detected = 0;
        for (float[] s : scores) {
            detected += s.length;
        }
        Tensor maskProbabilities = null;
        if (detected > 0) {
            Tensor logits = maskPredictor.forward(maskHead.forward(maskRoiPool.pool(maps, boxes, imageH)));
            int[] channel = new int[detected];
            int j = 0;
            for (int[] l : labels) {
                for (int label : l) {
                    channel[j] = j * classes + label;
                    j++;
                }
            }
            maskProbabilities = Indexing.gather(logits.reshape(detected * classes, MASK_SIZE, MASK_SIZE), 0, channel)
                    .sigmoid().reshape(detected, 1, MASK_SIZE, MASK_SIZE);
        }
        List<Detections> result = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < n; i++) {
            int d = scores.get(i).length;
            Tensor masks = d == 0 ? Tensor.zeros(0, 1, MASK_SIZE, MASK_SIZE)
                    : maskProbabilities.slice(0, offset, offset + d);
            result.add(new Detections(boxes.get(i), scores.get(i), labels.get(i), masks));
            offset += d;
        }
        return result;
    }

    /**
     * torchvision's {@code postprocess_detections} for one image: every (proposal, foreground class) pair a
     * candidate; clip, score and size filters, per-class NMS, the best {@code detectionsPerImage}.
     */
    private void postprocess(float[] probabilities, float[] decoded, int imageH, int imageW, List<float[]> boxesOut,
                             List<float[]> scoresOut, List<int[]> labelsOut) {
        int r = probabilities.length / classes;
        float[] cand = new float[4 * r * (classes - 1)];
        float[] candScores = new float[r * (classes - 1)];
        int[] candLabels = new int[r * (classes - 1)];
        int k = 0;
        for (int j = 0; j < r; j++) {
            for (int c = 1; c < classes; c++) {
                int o = 4 * (j * classes + c);
                float x1 = Math.max(0f, Math.min(imageW, decoded[o]));
                float y1 = Math.max(0f, Math.min(imageH, decoded[o + 1]));
                float x2 = Math.max(0f, Math.min(imageW, decoded[o + 2]));
                float y2 = Math.max(0f, Math.min(imageH, decoded[o + 3]));
                float score = probabilities[j * classes + c];
                if (score > scoreThresh && x2 - x1 >= MIN_SIZE && y2 - y1 >= MIN_SIZE) {
                    cand[4 * k] = x1;
                    cand[4 * k + 1] = y1;
                    cand[4 * k + 2] = x2;
                    cand[4 * k + 3] = y2;
                    candScores[k] = score;
                    candLabels[k] = c;
                    k++;
                }
            }
        }
        int[] keep = Boxes.batchedNms(Arrays.copyOf(cand, 4 * k), Arrays.copyOf(candScores, k),
                Arrays.copyOf(candLabels, k), nmsThresh);
        keep = Arrays.copyOf(keep, Math.min(detectionsPerImage, keep.length));
        float[] b = new float[4 * keep.length];
        float[] s = new float[keep.length];
        int[] l = new int[keep.length];
        for (int j = 0; j < keep.length; j++) {
            System.arraycopy(cand, 4 * keep[j], b, 4 * j, 4);
            s[j] = candScores[keep[j]];
            l[j] = candLabels[keep[j]];
        }
        boxesOut.add(b);
        scoresOut.add(s);
        labelsOut.add(l);
    }

    static float[] flatten(List<float[]> parts) {
        int size = 0;
        for (float[] p : parts) {
            size += p.length;
        }
        float[] out = new float[size];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /** {@return K, the classes with the background} */
    public int classes() {
        return classes;
    }

    /**
     * Not supported: the heads take the pyramid and proposals; call {@link #losses} or {@link #detect}.
     *
     * @param x unused
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    protected Tensor compute(Tensor x) {
        throw new UnsupportedOperationException("RoiHeads takes the pyramid and proposals: call losses or detect");
    }
}
