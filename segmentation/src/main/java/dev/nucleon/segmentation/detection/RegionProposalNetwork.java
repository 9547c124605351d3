package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Boxes;
import dev.nucleon.core.ops.Indexing;
import dev.nucleon.core.ops.Losses;
import dev.nucleon.core.ops.Shaping;
import dev.nucleon.nn.Module;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The region proposal network (Ren et al. 2015) over a feature pyramid, torchvision's
 * {@code RegionProposalNetwork}: an {@link RpnHead} shared by every level scores the {@link AnchorGenerator}'s
 * anchors and regresses them; the best-scored boxes become proposals, and in training the head gets its two losses.
 *
 * <p><b>Proposals</b> (per image, {@link #proposals}):
 * <ol>
 *   <li>decode every anchor's deltas ({@link BoxCoder} weights (1, 1, 1, 1));</li>
 *   <li>per level, keep the pre-NMS top-k by objectness logit (2000 in training, 1000 in inference);</li>
 *   <li>scores σ(logit); clip the boxes to the image; drop boxes narrower or lower than 1e-3 and scores below 0;</li>
 *   <li>non-maximum suppression at IoU 0.7 within each level;</li>
 *   <li>keep the post-NMS top-k of all levels by score (2000 in training, 1000 in inference).</li>
 * </ol>
 * Proposals carry no gradient (torchvision detaches them).
 *
 * <p><b>Losses</b> (training, {@link #losses}): anchors are matched to ground-truth boxes by IoU ({@link Matcher}:
 * ≥ 0.7 positive, &lt; 0.3 negative, between ignored, plus each box's best anchors); 256 anchors per image are sampled
 * with at most 50 % positives ({@link BalancedSampler}); over the S sampled anchors of the whole batch
 * <pre>
 *   loss_objectness  = mean_S BCE-with-logits(logit, label)
 *   loss_rpn_box_reg = Σ_positives smooth-L1_β=1/9(delta − encode(gt, anchor)) / S
 * </pre>
 * An image without ground-truth boxes contributes negatives only.
 */
public final class RegionProposalNetwork extends Module {

    /** torchvision's defaults for Mask R-CNN: anchor sizes per level P2 … P6. */
    public static final float[][] ANCHOR_SIZES = {{32}, {64}, {128}, {256}, {512}};
    /** torchvision's defaults: aspect ratios h/w at every level. */
    public static final float[] ASPECT_RATIOS = {0.5f, 1f, 2f};
    /** IoU from which an anchor is positive. */
    public static final float FG_IOU = 0.7f;
    /** IoU below which an anchor is negative. */
    public static final float BG_IOU = 0.3f;
    /** Anchors sampled per image for the losses. */
    public static final int BATCH_SIZE_PER_IMAGE = 256;
    /** The largest share of positives among them. */
    public static final float POSITIVE_FRACTION = 0.5f;
    /** NMS IoU threshold between proposals of one level. */
    public static final float NMS_THRESH = 0.7f;
    /** Proposals narrower or lower than this are dropped. */
    public static final float MIN_SIZE = 1e-3f;
    /** Proposals scoring below this are dropped. */
    public static final float SCORE_THRESH = 0f;

    /** The proposals of one image: k boxes (k·4 floats, x1, y1, x2, y2) and their objectness probabilities. */
    public record Proposals(float[] boxes, float[] scores) {

        /** {@return the number of proposals} */
        public int count() {
            return scores.length;
        }
    }

    /** The head's output over all levels: logits (N, T) and deltas (N, T, 4), T anchors per image, level by level. */
    public record HeadOutput(Tensor objectness, Tensor deltas, int[] levelCounts, Tensor anchors) {
    }

    private final RpnHead head;
    private final AnchorGenerator anchorGenerator;
    private final BoxCoder coder = new BoxCoder(1, 1, 1, 1);
    private final Matcher matcher = new Matcher(FG_IOU, BG_IOU, true);
    private final BalancedSampler sampler;
    private final int preNmsTopNTrain;
    private final int preNmsTopNTest;
    private final int postNmsTopNTrain;
    private final int postNmsTopNTest;

    /**
     * An RPN with torchvision's anchors (sizes 32 … 512 on P2 … P6, ratios 0.5, 1, 2).
     *
     * @param channels          F, the pyramid's channels
     * @param preNmsTopNTrain   proposals per level before NMS in training (2000)
     * @param preNmsTopNTest    … in inference (1000)
     * @param postNmsTopNTrain  proposals per image after NMS in training (2000)
     * @param postNmsTopNTest   … in inference (1000)
     * @param batchSizePerImage anchors sampled per image for the losses (256)
     */
    public RegionProposalNetwork(int channels, int preNmsTopNTrain, int preNmsTopNTest, int postNmsTopNTrain,
                                 int postNmsTopNTest, int batchSizePerImage) {
        this(channels, preNmsTopNTrain, preNmsTopNTest, postNmsTopNTrain, postNmsTopNTest, batchSizePerImage,
                ANCHOR_SIZES[0][0]);
    }

    /**
     * An RPN whose anchors have side {@code smallestAnchor} on P2, doubling per level up to P6 (torchvision: 32, so
     * 32 … 512; nuclei of 10–20 px want 8, so 8 … 128), ratios 0.5, 1, 2.
     *
     * @param channels          F, the pyramid's channels
     * @param preNmsTopNTrain   proposals per level before NMS in training (2000)
     * @param preNmsTopNTest    … in inference (1000)
     * @param postNmsTopNTrain  proposals per image after NMS in training (2000)
     * @param postNmsTopNTest   … in inference (1000)
     * @param batchSizePerImage anchors sampled per image for the losses (256)
     * @param smallestAnchor    the anchors' side on P2, pixels (&gt; 0)
     */
    public RegionProposalNetwork(int channels, int preNmsTopNTrain, int preNmsTopNTest, int postNmsTopNTrain,
                                 int postNmsTopNTest, int batchSizePerImage, float smallestAnchor) {
        if (!(smallestAnchor > 0)) {
            throw new IllegalArgumentException("RegionProposalNetwork: the smallest anchor must be > 0 px, got "
                    + smallestAnchor);
        }
        float[][] sizes = new float[ANCHOR_SIZES.length][];
        for (int level = 0; level < sizes.length; level++) {
            sizes[level] = new float[] {smallestAnchor * (1 << level)};
        }
        float[][] ratios = new float[sizes.length][];
        Arrays.fill(ratios, ASPECT_RATIOS);
        anchorGenerator = new AnchorGenerator(sizes, ratios);
        head = registerModule("head", new RpnHead(channels, anchorGenerator.anchorsPerLocation(0)));
        sampler = new BalancedSampler(batchSizePerImage, POSITIVE_FRACTION);
        this.preNmsTopNTrain = preNmsTopNTrain;
        this.preNmsTopNTest = preNmsTopNTest;
        this.postNmsTopNTrain = postNmsTopNTrain;
        this.postNmsTopNTest = postNmsTopNTest;
    }

    /**
     * {@return the head run on every level, flattened in anchor order, with the anchors}
     *
     * @param levels P2 … P6 (N, F, H_l, W_l)
     * @param imageH the image height
     * @param imageW the image width
     */
    public HeadOutput head(List<Tensor> levels, int imageH, int imageW) {
        int n = levels.get(0).size(0);
        Tensor[] objectness = new Tensor[levels.size()];
        Tensor[] deltas = new Tensor[levels.size()];
        int[] counts = new int[levels.size()];
        int[][] grids = new int[levels.size()][];
        for (int l = 0; l < levels.size(); l++) {
            Tensor out = head.forward(levels.get(l));
            int a = head.anchors();
            int h = out.size(2);
            int w = out.size(3);
            grids[l] = new int[] {h, w};
            counts[l] = h * w * a;
            // (N, A, H, W) → (N, H, W, A) → (N, H·W·A): the anchor order of AnchorGenerator
            objectness[l] = head.objectness(out).permute(0, 2, 3, 1).reshape(n, counts[l]);
            // (N, A·4, H, W) → (N, A, 4, H, W) → (N, H, W, A, 4) → (N, H·W·A, 4)
            deltas[l] = head.deltas(out).reshape(n, a, 4, h, w).permute(0, 3, 4, 1, 2).reshape(n, counts[l], 4);
        }
        return new HeadOutput(Shaping.concat(1, objectness), Shaping.concat(1, deltas), counts,
                anchorGenerator.anchors(imageH, imageW, grids));
    }

    /**
     * {@return per image, its proposals (see the class comment); pre/post-NMS counts by the training mode}
     *
     * @param out    the head's output
     * @param imageH the image height (boxes are clipped to it)
     * @param imageW the image width
     */
    @SuppressWarnings("try") // the no-grad scope is used only for its effect
    public List<Proposals> proposals(HeadOutput out, int imageH, int imageW) {
        int n = out.objectness().size(0);
        int total = out.objectness().size(1);
        float[] logits;
        float[] boxes;
        try (var scope = Autograd.noGrad()) {
            logits = out.objectness().detach().toArray();
            Tensor anchors = out.anchors().to(out.deltas().device());
            boxes = new float[n * total * 4];
            for (int i = 0; i < n; i++) {
                Tensor d = out.deltas().detach().slice(0, i, i + 1).reshape(total, 4);
                System.arraycopy(coder.decode(d, anchors).toArray(), 0, boxes, i * total * 4, total * 4);
            }
        }
        int preNms = isTraining() ? preNmsTopNTrain : preNmsTopNTest;
        int postNms = isTraining() ? postNmsTopNTrain : postNmsTopNTest;
        List<Proposals> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            result.add(filter(Arrays.copyOfRange(logits, i * total, (i + 1) * total),
                    Arrays.copyOfRange(boxes, i * total * 4, (i + 1) * total * 4), out.levelCounts(), preNms, postNms,
                    imageH, imageW));
        }
        return result;
    }

    /**
     * torchvision's {@code filter_proposals} for one image: per-level top-k, σ, clip, small and low-score boxes out,
     * NMS per level, post-NMS top-k.
     *
     * @param logits      T objectness logits, level by level
     * @param boxes       T·4 decoded boxes
     * @param levelCounts anchors per level
     * @param preNms      top-k per level before NMS
     * @param postNms     top-k of the image after NMS
     * @param imageH      clip height
     * @param imageW      clip width
     * @return the proposals, highest score first
     */
    static Proposals filter(float[] logits, float[] boxes, int[] levelCounts, int preNms, int postNms, int imageH,
                            int imageW) {
        List<Integer> candidates = new ArrayList<>();
        List<Integer> candidateLevel = new ArrayList<>();
        int offset = 0;
        for (int l = 0; l < levelCounts.length; l++) {
            float[] levelLogits = Arrays.copyOfRange(logits, offset, offset + levelCounts[l]);
            for (int j : Indexing.topK(levelLogits, Math.min(preNms, levelCounts[l]))) {
                candidates.add(offset + j);
                candidateLevel.add(l);
            }
            offset += levelCounts[l];
        }
        int m = candidates.size();
        float[] kept = new float[4 * m];
        float[] scores = new float[m];
        int[] level = new int[m];
        int k = 0;
        for (int c = 0; c < m; c++) {
            int a = candidates.get(c);
            float x1 = clamp(boxes[4 * a], imageW);
            float y1 = clamp(boxes[4 * a + 1], imageH);
            float x2 = clamp(boxes[4 * a + 2], imageW);
            float y2 = clamp(boxes[4 * a + 3], imageH);
            float score = (float) (1 / (1 + Math.exp(-logits[a])));
            if (x2 - x1 >= MIN_SIZE && y2 - y1 >= MIN_SIZE && score >= SCORE_THRESH) {
                kept[4 * k] = x1;
                kept[4 * k + 1] = y1;
                kept[4 * k + 2] = x2;
                kept[4 * k + 3] = y2;
                scores[k] = score;
                level[k] = candidateLevel.get(c);
                k++;
            }
        }
        kept = Arrays.copyOf(kept, 4 * k);
        scores = Arrays.copyOf(scores, k);
        level = Arrays.copyOf(level, k);
        int[] keep = Boxes.batchedNms(kept, scores, level, NMS_THRESH);
        keep = Arrays.copyOf(keep, Math.min(postNms, keep.length));
        float[] outBoxes = new float[4 * keep.length];
        float[] outScores = new float[keep.length];
        for (int j = 0; j < keep.length; j++) {
            System.arraycopy(kept, 4 * keep[j], outBoxes, 4 * j, 4);
            outScores[j] = scores[keep[j]];
        }
        return new Proposals(outBoxes, outScores);
    }

    /** torchvision's {@code clip_boxes_to_image}: a coordinate into [0, size]. */
    private static float clamp(float v, int size) {
        return Math.max(0f, Math.min(size, v));
    }

    /**
     * {@return per anchor, its training label: 1 positive, 0 negative, −1 ignored, and in {@code matchedGt} the
     * matched box of each positive}
     *
     * @param anchors   T·4 floats
     * @param gtBoxes   G·4 floats
     * @param matchedGt receives, per anchor, the matched ground-truth index (or a negative {@link Matcher} code)
     */
    int[] anchorLabels(Tensor anchors, float[] gtBoxes, int[] matchedGt) {
        int t = anchors.size(0);
        int g = gtBoxes.length / 4;
        float[] iou = g == 0 ? new float[0] : Boxes.iou(Tensor.of(gtBoxes, g, 4), anchors).toArray();
        int[] matches = matcher.match(iou, g, t);
        System.arraycopy(matches, 0, matchedGt, 0, t);
        int[] labels = new int[t];
        for (int a = 0; a < t; a++) {
            labels[a] = matches[a] >= 0 ? 1 : matches[a] == Matcher.BETWEEN_THRESHOLDS ? -1 : 0;
        }
        return labels;
    }

    /**
     * {@return loss_objectness and loss_rpn_box_reg (see the class comment), scalars differentiable in the head}
     *
     * @param out     the head's output
     * @param gtBoxes per image, its ground-truth boxes (G·4 floats, possibly none)
     * @param random  the sampler's generator
     */
    public Tensor[] losses(HeadOutput out, List<float[]> gtBoxes, SplittableRandom random) {
        int n = out.objectness().size(0);
        int total = out.objectness().size(1);
        Tensor anchors = out.anchors();
        float[] anchorArray = anchors.toArray();
        List<Integer> sampled = new ArrayList<>();
        List<Float> labels = new ArrayList<>();
        List<Integer> positives = new ArrayList<>();
        List<float[]> positiveTargets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] gt = gtBoxes.get(i);
            int[] matched = new int[total];
            int[] label = anchorLabels(anchors, gt, matched);
            BalancedSampler.Sample s = sampler.sample(label, random);
            for (int a : s.all()) {
                sampled.add(i * total + a);
                labels.add(label[a] >= 1 ? 1f : 0f);
            }
            for (int a : s.positive()) {
                positives.add(i * total + a);
                float[] pair = new float[8];
                System.arraycopy(gt, 4 * matched[a], pair, 0, 4);
                System.arraycopy(anchorArray, 4 * a, pair, 4, 4);
                positiveTargets.add(pair);
            }
        }
        Tensor logits = out.objectness().reshape(n * total);
        Tensor deltas = out.deltas().reshape(n * total, 4);
        if (sampled.isEmpty()) {
            Tensor zero = logits.sum().mul(0f);
            return new Tensor[] {zero, deltas.sum().mul(0f)};
        }
        float[] target = new float[labels.size()];
        for (int j = 0; j < target.length; j++) {
            target[j] = labels.get(j);
        }
        Tensor objectnessLoss = Losses.binaryCrossEntropyWithLogits(
                Indexing.gather(logits, 0, toArray(sampled)), Tensor.of(target, target.length).to(logits.device()));
        Tensor boxLoss;
        if (positives.isEmpty()) {
            boxLoss = deltas.sum().mul(0f);
        } else {
            int p = positives.size();
            float[] gt = new float[4 * p];
            float[] anchor = new float[4 * p];
            for (int j = 0; j < p; j++) {
                System.arraycopy(positiveTargets.get(j), 0, gt, 4 * j, 4);
                System.arraycopy(positiveTargets.get(j), 4, anchor, 4 * j, 4);
            }
            Tensor targets = coder.encode(Tensor.of(gt, p, 4), Tensor.of(anchor, p, 4)).to(deltas.device());
            boxLoss = SmoothL1Loss.sum(Indexing.gather(deltas, 0, toArray(positives)), targets, SmoothL1Loss.BETA)
                    .div(sampled.size());
        }
        return new Tensor[] {objectnessLoss, boxLoss};
    }

    static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@return the anchor generator} */
    public AnchorGenerator anchorGenerator() {
        return anchorGenerator;
    }

    /**
     * Not supported: the RPN takes the pyramid's levels; call {@link #head} then {@link #proposals}.
     *
     * @param x unused
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    protected Tensor compute(Tensor x) {
        throw new UnsupportedOperationException("RegionProposalNetwork takes the pyramid's levels: call head(levels, …)");
    }
}
