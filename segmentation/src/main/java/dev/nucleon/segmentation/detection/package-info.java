/**
 * What a two-stage detector (Faster/Mask R-CNN) adds on top of the tensor ops: anchors per feature-pyramid level
 * ({@link dev.nucleon.segmentation.detection.AnchorGenerator}) and the box coding of regression targets
 * ({@link dev.nucleon.segmentation.detection.BoxCoder}), with torchvision's {@code models.detection} semantics.
 *
 * <p>The ops these build on are core's, as torchvision keeps them in {@code torchvision.ops}: RoIAlign
 * ({@code dev.nucleon.core.ops.RoiAlign}), IoU and non-maximum suppression ({@code dev.nucleon.core.ops.Boxes}),
 * gather, scatter-add and top-k ({@code dev.nucleon.core.ops.Indexing}). The split: an op on tensors that a
 * backend may accelerate (or a future one must, like NMS on a GPU) lives in core; the conventions of one detector
 * family — how anchors are laid out, how deltas are weighted — live here.
 */
package dev.nucleon.segmentation.detection;
