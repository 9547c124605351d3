package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.BinaryOp;

import dev.nucleon.core.reference.NmsLoops;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Axis-aligned boxes (x1, y1, x2, y2), as torchvision's {@code ops.boxes}: the pairwise IoU matrix and non-maximum
 * suppression, plain and per class. None is differentiable: a detector compares boxes to pick proposals and
 * targets, and backpropagates through its box deltas instead.
 *
 * <p>IoU(a, b) = |a ∩ b| / (|a| + |b| − |a ∩ b|), |box| = (x2 − x1)·(y2 − y1), the intersection's sides clamped at 0.
 * Degenerate pairs (a zero union) give NaN, as in torchvision, and a NaN IoU never suppresses.
 */
public final class Boxes {

    private Boxes() {
    }

    /**
     * {@return the (N, M) IoU of every box of a with every box of b}, composed of tensor ops (so it runs on a's
     * device, without a kernel of its own); not recorded for autograd.
     *
     * @param a (N, 4) boxes
     * @param b (M, 4) boxes, on a's device
     * @throws IllegalArgumentException when a shape is not (·, 4)
     */
    public static Tensor iou(Tensor a, Tensor b) {
        requireBoxes("box_iou", "a", a);
        requireBoxes("box_iou", "b", b);
        Arithmetic.requireSameDevice("box_iou", a, b);
        int m = b.size(0);
        try (var scope = Autograd.noGrad()) {
            Tensor ax1 = a.slice(1, 0, 1);
            Tensor ay1 = a.slice(1, 1, 2);
            Tensor ax2 = a.slice(1, 2, 3);
            Tensor ay2 = a.slice(1, 3, 4);
            Tensor bx1 = b.slice(1, 0, 1).reshape(1, m);
            Tensor by1 = b.slice(1, 1, 2).reshape(1, m);
            Tensor bx2 = b.slice(1, 2, 3).reshape(1, m);
            Tensor by2 = b.slice(1, 3, 4).reshape(1, m);
            Tensor areaA = ax2.sub(ax1).mul(ay2.sub(ay1));                                    // (N, 1)
            Tensor areaB = bx2.sub(bx1).mul(by2.sub(by1));                                    // (1, M)
            Tensor w = Arithmetic.binary("box_iou", BinaryOp.MIN, ax2, bx2)
                    .sub(Arithmetic.binary("box_iou", BinaryOp.MAX, ax1, bx1)).clamp(0f, Float.POSITIVE_INFINITY);
            Tensor h = Arithmetic.binary("box_iou", BinaryOp.MIN, ay2, by2)
                    .sub(Arithmetic.binary("box_iou", BinaryOp.MAX, ay1, by1)).clamp(0f, Float.POSITIVE_INFINITY);
            Tensor inter = w.mul(h);                                                          // (N, M)
            return inter.div(areaA.add(areaB).sub(inter)).detach();
        }
    }

    /**
     * IoU of boxes i and j of a flat (·, 4) array, in float as torchvision's NMS kernel computes it.
     *
     * @param boxes (n·4) floats
     * @param i     one box
     * @param j     the other
     * @return |i ∩ j| / (|i| + |j| − |i ∩ j|)
     */
    public static float iou(float[] boxes, int i, int j) {
        return NmsLoops.iou(boxes, i, j);
    }

    /**
     * {@return the indices of the boxes non-maximum suppression keeps, highest score first}: boxes are visited in
     * decreasing score (equal scores in index order), and each kept box removes every later box whose IoU with it
     * is above the threshold (torchvision's {@code nms}). Reads the boxes and scores back to the host; on a device,
     * the boxes stay there and only the scores and the suppression bitmask come back ({@link #batchedNmsByMask}).
     *
     * @param boxes        (N, 4)
     * @param scores       (N)
     * @param iouThreshold boxes overlapping a kept one by more than this are dropped
     */
    public static int[] nms(Tensor boxes, Tensor scores, float iouThreshold) {
        return batchedNms(boxes, scores, null, iouThreshold);
    }

    /**
     * {@return non-maximum suppression within each class, the kept indices of all classes together, highest score
     * first} (torchvision's {@code batched_nms}: a box never suppresses a box of another class).
     *
     * @param boxes        (N, 4)
     * @param scores       (N)
     * @param classes      N class labels (or image indices), or null for one class
     * @param iouThreshold boxes overlapping a kept one of their class by more than this are dropped
     * @throws IllegalArgumentException when the shapes disagree
     */
    public static int[] batchedNms(Tensor boxes, Tensor scores, int[] classes, float iouThreshold) {
        requireBoxes("nms", "boxes", boxes);
        if (scores.rank() != 1 || scores.size(0) != boxes.size(0)) {
            throw new IllegalArgumentException("nms: scores must be (" + boxes.size(0) + "), got "
                    + Shape.str(scores.shape()));
        }
        if (boxes.device().isCpu()) {
            return batchedNms(boxes.toArray(), scores.toArray(), classes, iouThreshold);
        }
        return batchedNmsByMask(boxes, scores, classes, iouThreshold);
    }

    /**
     * {@link #batchedNms(Tensor, Tensor, int[], float)} as torchvision's CUDA kernel runs it, the path
     * {@code batchedNms} takes for tensors on a device (public so the conformance suite runs it on every backend):
     * the scores are read back and ordered on the host ({@link Indexing#topK}: descending, ties by index), the boxes
     * are gathered into that order on their device, the device computes the suppression bitmask
     * ({@code Backend.nmsMask}: one 64-bit word per (box, 64 later boxes)), and the host scans it greedily
     * ({@link NmsLoops#greedyScan}). Classes are renumbered 0, 1, … (exact in float) and compared in the mask
     * instead of offsetting the boxes per class (torchvision's {@code batched_nms} trick), whose shifted coordinates
     * would round differently from the host path's. Keeps exactly the indices the host path keeps.
     *
     * @param boxes        (N, 4)
     * @param scores       (N)
     * @param classes      N labels, or null for one class
     * @param iouThreshold the IoU above which a box is dropped
     * @return the kept indices, highest score first
     * @throws IllegalArgumentException when the shapes disagree
     */
    public static int[] batchedNmsByMask(Tensor boxes, Tensor scores, int[] classes, float iouThreshold) {
        requireBoxes("nms", "boxes", boxes);
        int n = boxes.size(0);
        if (scores.rank() != 1 || scores.size(0) != n || (classes != null && classes.length != n)) {
            throw new IllegalArgumentException("nms: boxes " + Shape.str(boxes.shape()) + ", scores "
                    + Shape.str(scores.shape()) + (classes == null ? "" : ", " + classes.length + " classes")
                    + ": the counts must agree");
        }
        Arithmetic.requireSameDevice("nms", boxes, scores);
        if (n == 0) {
            return new int[0];
        }
        int[] order = Indexing.topK(scores.toArray(), n);
        int[] kept;
        try (var scope = Autograd.noGrad()) {
            Tensor sorted = Indexing.gather(boxes.detach(), 0, order);
            Tensor labels = classes == null ? null : Tensor.of(renumber(classes, order), n).to(boxes.device());
            long[] mask = boxes.backend().nmsMask(sorted.storage(), labels == null ? null : labels.storage(), n,
                    iouThreshold);
            kept = NmsLoops.greedyScan(mask, n);
        }
        for (int k = 0; k < kept.length; k++) {
            kept[k] = order[kept[k]];
        }
        return kept;
    }

    /** classes[order[a]] for every a, each distinct label replaced by its rank of first appearance (0, 1, …). */
    private static float[] renumber(int[] classes, int[] order) {
        Map<Integer, Integer> ids = new HashMap<>();
        float[] out = new float[order.length];
        for (int a = 0; a < order.length; a++) {
            out[a] = ids.computeIfAbsent(classes[order[a]], c -> ids.size());
        }
        return out;
    }

    /**
     * {@link #batchedNms(Tensor, Tensor, int[], float)} on host arrays.
     *
     * @param boxes        n·4 floats
     * @param scores       n floats
     * @param classes      n labels, or null for one class
     * @param iouThreshold the IoU above which a box is dropped
     * @return the kept indices, highest score first
     */
    public static int[] batchedNms(float[] boxes, float[] scores, int[] classes, float iouThreshold) {
        int n = scores.length;
        if (boxes.length != 4 * n || (classes != null && classes.length != n)) {
            throw new IllegalArgumentException("nms: " + boxes.length / 4 + " boxes, " + n + " scores"
                    + (classes == null ? "" : ", " + classes.length + " classes") + ": the counts must agree");
        }
        int[] order = Indexing.topK(scores, n);
        boolean[] suppressed = new boolean[n];
        int[] keep = new int[n];
        int kept = 0;
        for (int a = 0; a < n; a++) {
            int i = order[a];
            if (suppressed[i]) {
                continue;
            }
            keep[kept++] = i;
            for (int b = a + 1; b < n; b++) {
                int j = order[b];
                if (!suppressed[j] && (classes == null || classes[i] == classes[j])
                        && iou(boxes, i, j) > iouThreshold) {
                    suppressed[j] = true;
                }
            }
        }
        return Arrays.copyOf(keep, kept);
    }

    private static void requireBoxes(String op, String what, Tensor t) {
        if (t.rank() != 2 || t.size(1) != 4) {
            throw new IllegalArgumentException(op + ": " + what + " must be (N, 4) = (x1, y1, x2, y2), got "
                    + Shape.str(t.shape()));
        }
    }
}
