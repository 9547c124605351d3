package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Mask R-CNN ground truth from instance label maps (DSB2018's per-nucleus masks, merged into one label image, as the
 * training patches carry them): each label k &gt; 0 present in the map becomes one object of class 1, with
 * <pre>
 *   box  = (min x, min y, max x + 1, max y + 1) of its pixels      (x1, y1, x2, y2, pixel edges)
 *   mask = 1 where label == k, else 0                              (H, W)
 * </pre>
 * A nucleus cut by a patch's border keeps its visible part (the box and mask of what the patch holds); one with
 * fewer than {@code minArea} visible pixels is dropped (a sliver at the border teaches nothing). A map without
 * nuclei gives {@link MaskRcnn.Target#empty()}: the image trains the RPN and box head on negatives only.
 */
public final class InstanceTargets {

    /** The smallest visible area, in pixels, of a nucleus that becomes a target in training. */
    public static final int DEFAULT_MIN_AREA = 4;

    private InstanceTargets() {
    }

    /**
     * {@return the target of one (H, W) label map}
     *
     * @param labels  H·W labels, row-major, 0 background
     * @param width   W
     * @param height  H
     * @param minArea the smallest area kept, ≥ 1
     */
    public static MaskRcnn.Target of(int[] labels, int width, int height, int minArea) {
        int max = 0;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        int[] x1 = new int[max + 1], y1 = new int[max + 1], x2 = new int[max + 1], y2 = new int[max + 1];
        int[] area = new int[max + 1];
        java.util.Arrays.fill(x1, Integer.MAX_VALUE);
        java.util.Arrays.fill(y1, Integer.MAX_VALUE);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int l = labels[y * width + x];
                if (l > 0) {
                    area[l]++;
                    x1[l] = Math.min(x1[l], x);
                    y1[l] = Math.min(y1[l], y);
                    x2[l] = Math.max(x2[l], x + 1);
                    y2[l] = Math.max(y2[l], y + 1);
                }
            }
        }
        List<Integer> kept = new ArrayList<>();
        for (int l = 1; l <= max; l++) {
            if (area[l] >= Math.max(1, minArea)) {
                kept.add(l);
            }
        }
        int g = kept.size();
        if (g == 0) {
            return MaskRcnn.Target.empty();
        }
        int plane = width * height;
        float[] boxes = new float[4 * g];
        int[] classes = new int[g];
        float[] masks = new float[g * plane];
        int[] slot = new int[max + 1];
        java.util.Arrays.fill(slot, -1);
        for (int j = 0; j < g; j++) {
            int l = kept.get(j);
            slot[l] = j;
            boxes[4 * j] = x1[l];
            boxes[4 * j + 1] = y1[l];
            boxes[4 * j + 2] = x2[l];
            boxes[4 * j + 3] = y2[l];
            classes[j] = 1;
        }
        for (int i = 0; i < plane; i++) {
            int l = labels[i];
            if (l > 0 && slot[l] >= 0) {
                masks[slot[l] * plane + i] = 1f;
            }
        }
        return new MaskRcnn.Target(boxes, classes, Tensor.of(masks, g, height, width));
    }

    /**
     * {@return the targets of a batch of label maps carried as floats (the trainer's patches)}
     *
     * @param labels  (N, 1, H, W) label ids as floats (exact below 2<sup>24</sup>)
     * @param minArea the smallest area kept
     */
    public static List<MaskRcnn.Target> ofBatch(Tensor labels, int minArea) {
        if (labels.rank() != 4 || labels.size(1) != 1) {
            throw new IllegalArgumentException("InstanceTargets: label maps must be (N, 1, H, W), got "
                    + dev.nucleon.core.Shape.str(labels.shape()));
        }
        int n = labels.size(0), h = labels.size(2), w = labels.size(3), plane = h * w;
        float[] all = labels.toArray();
        List<MaskRcnn.Target> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] l = new int[plane];
            for (int k = 0; k < plane; k++) {
                l[k] = Math.round(all[i * plane + k]);
            }
            out.add(of(l, w, h, minArea));
        }
        return out;
    }
}
