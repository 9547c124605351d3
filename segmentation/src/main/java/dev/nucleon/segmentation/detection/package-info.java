/**
 * A two-stage detector, Mask R-CNN, with torchvision's {@code models.detection} semantics. Read top down:
 * {@link dev.nucleon.segmentation.detection.MaskRcnn} assembles a
 * {@link dev.nucleon.segmentation.detection.Backbone} (C2 … C5), a
 * {@link dev.nucleon.segmentation.detection.FeaturePyramid} (P2 … P6), the
 * {@link dev.nucleon.segmentation.detection.RegionProposalNetwork} (its
 * {@link dev.nucleon.segmentation.detection.RpnHead} over the
 * {@link dev.nucleon.segmentation.detection.AnchorGenerator}'s anchors → proposals, and its two losses) and the
 * {@link dev.nucleon.segmentation.detection.RoiHeads} (pooled by
 * {@link dev.nucleon.segmentation.detection.MultiScaleRoiAlign}: {@link dev.nucleon.segmentation.detection.TwoMlpHead}
 * → {@link dev.nucleon.segmentation.detection.FastRcnnPredictor} for classes and boxes,
 * {@link dev.nucleon.segmentation.detection.MaskRcnnHeads} → {@link dev.nucleon.segmentation.detection.MaskRcnnPredictor}
 * for 28×28 masks, and their three losses). Training picks its examples with a
 * {@link dev.nucleon.segmentation.detection.Matcher} (IoU thresholds) and a
 * {@link dev.nucleon.segmentation.detection.BalancedSampler}; box regression targets are
 * {@link dev.nucleon.segmentation.detection.BoxCoder} deltas under a
 * {@link dev.nucleon.segmentation.detection.SmoothL1Loss}. Everything a loss needs is differentiable through core's
 * autograd; the decisions (top-k, NMS, matching, sampling) are made on the host, as torchvision makes them without
 * gradients. The {@code mask-rcnn} preset ({@code segmentation.networks}) puts the {@code resnet-fcn} ResNet
 * underneath.
 *
 * <p>Between the network and the images: {@link dev.nucleon.segmentation.detection.InstanceTargets} makes the
 * ground truth (boxes and masks) of an instance label map, as the trainer's patches carry it, and
 * {@link dev.nucleon.segmentation.detection.MaskPasting} turns detections back into one label image without
 * overlaps ({@code inference.Predictor}'s detector path).
 *
 * <p>The ops these build on are core's, as torchvision keeps them in {@code torchvision.ops}: RoIAlign
 * ({@code dev.nucleon.core.ops.RoiAlign}), IoU and non-maximum suppression ({@code dev.nucleon.core.ops.Boxes}),
 * gather, scatter-add and top-k ({@code dev.nucleon.core.ops.Indexing}). The split: an op on tensors that a
 * backend may accelerate (or a future one must, like NMS on a GPU) lives in core; the conventions of one detector
 * family — how anchors are laid out, how deltas are weighted — live here.
 */
package dev.nucleon.segmentation.detection;
