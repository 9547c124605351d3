package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mask R-CNN (He et al. 2017) as torchvision's {@code maskrcnn_resnet50_fpn} lays it out, on any {@link Backbone}
 * (the {@code mask-rcnn} preset uses the {@code resnet-fcn} preset's ResNet, {@code networks.ResNetBody}):
 * <pre>
 *   images (N, C, H, W) → backbone: Backbone → C2 … C5 → fpn: FeaturePyramid → P2 … P6 (F channels)
 *                       → rpn: RegionProposalNetwork (anchors 32 … 512, ratios 0.5/1/2) → proposals per image
 *                       → roi_heads: RoiHeads (7×7 box head + predictor, 14×14 → 28×28 mask head + predictor)
 * </pre>
 * Two entry points: {@link #losses} (images + ground truth → the five training losses, differentiable) and
 * {@link #detect} (images → per image boxes, scores, labels and 28×28 mask probabilities). {@link #forward} runs
 * {@link #detect} and packs its detections as one (D, 7) tensor, so the network is an ordinary module for summaries.
 *
 * <p><b>Images</b> are taken as they come: no resizing and no normalisation inside (torchvision's
 * {@code GeneralizedRCNNTransform} is the caller's job); H and W must be multiples of 32 (the pyramid), every image
 * of a batch the same size. Boxes are (x1, y1, x2, y2) in pixels of that size.
 *
 * <p><b>Parameters</b> at torchvision's settings (ResNet-50, F = 256, D = 1024, mask trunk 256, 2 classes):
 * backbone 23,508,032 trainable + 53,120 batch-norm running statistics, FPN 3,344,384, RPN head 593,935, box head
 * 13,895,680, box predictor 10,250, mask head 2,360,320, mask predictor 262,914: 43,975,515 trainable, 53,120
 * non-trainable. torchvision counts 43,922,395 for the same network: its frozen batch norm keeps the 53,120
 * γ and β as buffers, which it does not count.
 */
public final class MaskRcnn extends Module {

    /**
     * The sizes and counts a Mask R-CNN is built with; {@link #torchvision()} gives torchvision's defaults, and
     * small values make a network fast enough for tests.
     *
     * @param fpnChannels          F, the pyramid's channels (256)
     * @param representationSize   D, the box head's width (1024)
     * @param maskChannels         the mask trunk's channels (256)
     * @param rpnPreNmsTopNTrain   proposals per level before NMS in training (2000)
     * @param rpnPreNmsTopNTest    … in inference (1000)
     * @param rpnPostNmsTopNTrain  proposals per image after NMS in training (2000)
     * @param rpnPostNmsTopNTest   … in inference (1000)
     * @param rpnBatchSizePerImage anchors sampled per image for the RPN losses (256)
     * @param boxBatchSizePerImage RoIs sampled per image for the heads' losses (512)
     * @param boxScoreThresh       the lowest score of a detection (0.05)
     * @param boxNmsThresh         the per-class NMS IoU threshold of detections (0.5)
     * @param detectionsPerImage   the most detections per image (100)
     * @param samplingSeed         the seed of the training samplers' generator
     * @param smallestAnchor       the RPN anchors' side on P2 in pixels, doubling per level (32: 32 … 512)
     */
    public record Settings(int fpnChannels, int representationSize, int maskChannels, int rpnPreNmsTopNTrain,
                           int rpnPreNmsTopNTest, int rpnPostNmsTopNTrain, int rpnPostNmsTopNTest,
                           int rpnBatchSizePerImage, int boxBatchSizePerImage, float boxScoreThresh, float boxNmsThresh,
                           int detectionsPerImage, long samplingSeed, int smallestAnchor) {

        /** {@return torchvision's defaults for {@code maskrcnn_resnet50_fpn}, sampling seed 0} */
        public static Settings torchvision() {
            return new Settings(256, 1024, 256, 2000, 1000, 2000, 1000, 256, 512, 0.05f, 0.5f, 100, 0, 32);
        }
    }

    /**
     * One image's ground truth.
     *
     * @param boxes  G boxes as G·4 floats (x1, y1, x2, y2), each with positive width and height
     * @param labels G classes in 1 … K−1 (0 is the background)
     * @param masks  (G, H, W) binary masks at the image's size (may be null when G = 0)
     */
    public record Target(float[] boxes, int[] labels, Tensor masks) {

        /** {@return an image without any object} */
        public static Target empty() {
            return new Target(new float[0], new int[0], null);
        }
    }

    /**
     * The training losses, torchvision's names; {@link #total()} is what a step minimises.
     *
     * @param objectness loss_objectness: RPN objectness BCE
     * @param rpnBoxReg  loss_rpn_box_reg: RPN smooth-L1
     * @param classifier loss_classifier: box head cross-entropy
     * @param boxReg     loss_box_reg: box head smooth-L1
     * @param mask       loss_mask: mask BCE
     */
    public record Losses(Tensor objectness, Tensor rpnBoxReg, Tensor classifier, Tensor boxReg, Tensor mask) {

        /** {@return the sum of the five, a scalar} */
        public Tensor total() {
            return objectness.add(rpnBoxReg).add(classifier).add(boxReg).add(mask);
        }
    }

    private final int inChannels;
    private final int classes;
    private final Settings settings;
    private final Backbone backbone;
    private final FeaturePyramid fpn;
    private final RegionProposalNetwork rpn;
    private final RoiHeads roiHeads;
    private SplittableRandom random;

    /**
     * Torchvision's settings: F = 256, 1024-wide box head, 256-channel mask head.
     *
     * @param backbone the body giving C2 … C5 (e.g. {@code new ResNetBody(3, 50, Initializers.heNormal())})
     * @param classes  K, with the background (2: background and nucleus)
     */
    public MaskRcnn(Backbone backbone, int classes) {
        this(backbone, classes, Settings.torchvision());
    }

    /**
     * A network.
     *
     * @param backbone the body giving C2 … C5
     * @param classes  K, with the background, ≥ 2
     * @param settings sizes and counts (each size and count ≥ 1, thresholds in [0, 1])
     * @throws IllegalArgumentException when a value is out of range
     */
    public MaskRcnn(Backbone backbone, int classes, Settings settings) {
        if (classes < 2) {
            throw new IllegalArgumentException("MaskRcnn: need classes >= 2 (background included), got " + classes);
        }
        requireValid(settings);
        this.inChannels = backbone.inChannels();
        this.classes = classes;
        this.settings = settings;
        this.backbone = registerModule("backbone", backbone);
        fpn = registerModule("fpn", new FeaturePyramid(backbone.channels(), settings.fpnChannels()));
        rpn = registerModule("rpn", new RegionProposalNetwork(settings.fpnChannels(), settings.rpnPreNmsTopNTrain(),
                settings.rpnPreNmsTopNTest(), settings.rpnPostNmsTopNTrain(), settings.rpnPostNmsTopNTest(),
                settings.rpnBatchSizePerImage(), settings.smallestAnchor()));
        roiHeads = registerModule("roi_heads", new RoiHeads(settings.fpnChannels(), settings.representationSize(),
                settings.maskChannels(), classes, settings.boxBatchSizePerImage(), settings.boxScoreThresh(),
                settings.boxNmsThresh(), settings.detectionsPerImage()));
        random = new SplittableRandom(settings.samplingSeed());
    }

    /**
     * Restarts the training samplers' generator, so the next {@link #losses} calls sample as a fresh network would.
     *
     * @param seed the seed
     */
    public void reseed(long seed) {
        random = new SplittableRandom(seed);
    }

    /**
     * {@return the five training losses of a batch (see {@link RegionProposalNetwork} and {@link RoiHeads}),
     * differentiable in every parameter}. Proposal counts follow the mode ({@link #isTraining()}: 2000, else 1000).
     *
     * @param images  (N, C, H, W), H and W multiples of 32
     * @param targets N ground truths
     * @throws IllegalArgumentException when the images or targets are malformed (the message says which)
     */
    public Losses losses(Tensor images, List<Target> targets) {
        requireImages(images);
        int n = images.size(0);
        int h = images.size(2);
        int w = images.size(3);
        if (targets.size() != n) {
            throw new IllegalArgumentException("MaskRcnn: " + targets.size() + " targets for " + n + " images");
        }
        List<RoiHeads.GroundTruth> truths = new ArrayList<>();
        List<float[]> gtBoxes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            truths.add(groundTruth(i, targets.get(i), h, w));
            gtBoxes.add(targets.get(i).boxes());
        }
        List<Tensor> levels = fpn.pyramid(backbone.features(images));
        RegionProposalNetwork.HeadOutput head = rpn.head(levels, h, w);
        List<float[]> proposals = new ArrayList<>();
        for (RegionProposalNetwork.Proposals p : rpn.proposals(head, h, w)) {
            proposals.add(p.boxes());
        }
        Tensor[] rpnLosses = rpn.losses(head, gtBoxes, random);
        Tensor[] roiLosses = roiHeads.losses(levels.subList(0, levels.size() - 1), proposals, truths, h, random);
        return new Losses(rpnLosses[0], rpnLosses[1], roiLosses[0], roiLosses[1], roiLosses[2]);
    }

    /**
     * {@return per image, its detections: at most 100 boxes with score &gt; 0.05 after per-class NMS at 0.5, their
     * labels and 28×28 mask probabilities (D, 1, 28, 28) over each box}. Proposal counts follow the mode; call
     * {@link #eval()} first for inference.
     *
     * @param images (N, C, H, W), H and W multiples of 32
     * @throws IllegalArgumentException when the images are malformed
     */
    public List<RoiHeads.Detections> detect(Tensor images) {
        requireImages(images);
        int h = images.size(2);
        int w = images.size(3);
        List<Tensor> levels = fpn.pyramid(backbone.features(images));
        List<float[]> proposals = new ArrayList<>();
        for (RegionProposalNetwork.Proposals p : rpn.proposals(rpn.head(levels, h, w), h, w)) {
            proposals.add(p.boxes());
        }
        return roiHeads.detect(levels.subList(0, levels.size() - 1), proposals, h, w);
    }

    /**
     * {@link #detect} packed as one tensor, for summaries and tools that expect one output.
     *
     * @param images (N, C, H, W)
     * @return (D, 7): per detection of all images (image index, x1, y1, x2, y2, score, label)
     */
    @Override
    protected Tensor compute(Tensor images) {
        List<RoiHeads.Detections> all = detect(images);
        int d = 0;
        for (RoiHeads.Detections det : all) {
            d += det.count();
        }
        float[] rows = new float[7 * d];
        int r = 0;
        for (int i = 0; i < all.size(); i++) {
            RoiHeads.Detections det = all.get(i);
            for (int j = 0; j < det.count(); j++, r++) {
                rows[7 * r] = i;
                System.arraycopy(det.boxes(), 4 * j, rows, 7 * r + 1, 4);
                rows[7 * r + 5] = det.scores()[j];
                rows[7 * r + 6] = det.labels()[j];
            }
        }
        return Tensor.of(rows, d, 7).to(images.device());
    }

    private static void requireValid(Settings s) {
        int[] counts = {s.fpnChannels(), s.representationSize(), s.maskChannels(), s.rpnPreNmsTopNTrain(),
            s.rpnPreNmsTopNTest(), s.rpnPostNmsTopNTrain(), s.rpnPostNmsTopNTest(), s.rpnBatchSizePerImage(),
            s.boxBatchSizePerImage(), s.detectionsPerImage()};
        if (java.util.Arrays.stream(counts).anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("MaskRcnn settings: sizes and counts must be >= 1, got " + s);
        }
        if (!(s.boxScoreThresh() >= 0 && s.boxScoreThresh() <= 1 && s.boxNmsThresh() >= 0 && s.boxNmsThresh() <= 1)) {
            throw new IllegalArgumentException("MaskRcnn settings: score and NMS thresholds must be in [0, 1], got "
                    + s.boxScoreThresh() + ", " + s.boxNmsThresh());
        }
    }

    private void requireImages(Tensor images) {
        if (images.rank() != 4 || images.size(1) != inChannels || images.size(2) % 32 != 0
                || images.size(3) % 32 != 0 || images.size(2) == 0 || images.size(3) == 0) {
            throw new IllegalArgumentException("MaskRcnn: images must be (N, " + inChannels
                    + ", H, W) with H and W positive multiples of 32, got " + Shape.str(images.shape()));
        }
    }

    private RoiHeads.GroundTruth groundTruth(int image, Target t, int h, int w) {
        int g = t.labels().length;
        if (t.boxes().length != 4 * g) {
            throw new IllegalArgumentException("MaskRcnn: target " + image + " has " + t.boxes().length / 4.0
                    + " boxes for " + g + " labels");
        }
        for (int j = 0; j < g; j++) {
            float[] b = t.boxes();
            if (!(b[4 * j + 2] > b[4 * j] && b[4 * j + 3] > b[4 * j + 1])) {
                throw new IllegalArgumentException("MaskRcnn: target " + image + " box " + j + " ("
                        + b[4 * j] + ", " + b[4 * j + 1] + ", " + b[4 * j + 2] + ", " + b[4 * j + 3]
                        + ") must have positive width and height");
            }
            if (t.labels()[j] < 1 || t.labels()[j] >= classes) {
                throw new IllegalArgumentException("MaskRcnn: target " + image + " label " + t.labels()[j]
                        + " is outside 1 … " + (classes - 1));
            }
        }
        if (g > 0 && (t.masks() == null || t.masks().rank() != 3 || t.masks().size(0) != g
                || t.masks().size(1) != h || t.masks().size(2) != w)) {
            throw new IllegalArgumentException("MaskRcnn: target " + image + " masks must be (" + g + ", " + h + ", "
                    + w + "), got " + (t.masks() == null ? "none" : Shape.str(t.masks().shape())));
        }
        return new RoiHeads.GroundTruth(t.boxes(), t.labels(), t.masks());
    }

    /** {@return K, the classes with the background} */
    public int classes() {
        return classes;
    }

    /** {@return the sizes and counts it was built with} */
    public Settings settings() {
        return settings;
    }

    /** {@return the backbone's body} */
    public Backbone backbone() {
        return backbone;
    }

    /** {@return the feature pyramid} */
    public FeaturePyramid fpn() {
        return fpn;
    }

    /** {@return the region proposal network} */
    public RegionProposalNetwork rpn() {
        return rpn;
    }

    /** {@return the box and mask heads} */
    public RoiHeads roiHeads() {
        return roiHeads;
    }
}
