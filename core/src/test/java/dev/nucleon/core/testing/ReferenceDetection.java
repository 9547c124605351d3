package dev.nucleon.core.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Double-precision and brute-force references for the detection ops: RoIAlign written per output cell from its
 * formula (no shared loop with the kernel), gather/scatter-add by index, the IoU matrix, and non-maximum
 * suppression as its definition (repeatedly take the best remaining box of a class, drop its overlaps).
 */
public final class ReferenceDetection {

    private ReferenceDetection() {
    }

    /** RoIAlign (torchvision semantics): x (n, c, h, w), rois (r, 5) → (r, c, outH, outW). */
    public static double[] roiAlign(double[] x, int[] xs, double[] rois, int outH, int outW, double scale,
                                    int samplingRatio, boolean aligned) {
        int c = xs[1];
        int h = xs[2];
        int w = xs[3];
        int r = rois.length / 5;
        double[] y = new double[r * c * outH * outW];
        double offset = aligned ? 0.5 : 0;
        for (int i = 0; i < r; i++) {
            int b = (int) rois[5 * i];
            double x1 = rois[5 * i + 1] * scale - offset;
            double y1 = rois[5 * i + 2] * scale - offset;
            double roiW = rois[5 * i + 3] * scale - offset - x1;
            double roiH = rois[5 * i + 4] * scale - offset - y1;
            if (!aligned) {
                roiW = Math.max(roiW, 1);
                roiH = Math.max(roiH, 1);
            }
            int gh = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiH / outH);
            int gw = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiW / outW);
            for (int ch = 0; ch < c; ch++) {
                for (int ph = 0; ph < outH; ph++) {
                    for (int pw = 0; pw < outW; pw++) {
                        double sum = 0;
                        for (int iy = 0; iy < gh; iy++) {
                            for (int ix = 0; ix < gw; ix++) {
                                double sy = y1 + (ph + (iy + 0.5) / gh) * roiH / outH;
                                double sx = x1 + (pw + (ix + 0.5) / gw) * roiW / outW;
                                sum += bilinear(x, ((b * c) + ch) * h * w, h, w, sy, sx);
                            }
                        }
                        y[((i * c + ch) * outH + ph) * outW + pw] = sum / Math.max(1, gh * gw);
                    }
                }
            }
        }
        return y;
    }

    /** The bilinear sample of one plane at (y, x): 0 outside [−1, h] × [−1, w], edges clamped. */
    private static double bilinear(double[] x, int plane, int h, int w, double y, double xx) {
        if (y < -1 || y > h || xx < -1 || xx > w) {
            return 0;
        }
        y = Math.min(Math.max(y, 0), h - 1);
        xx = Math.min(Math.max(xx, 0), w - 1);
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(xx);
        int y1 = Math.min(y0 + 1, h - 1);
        int x1 = Math.min(x0 + 1, w - 1);
        double ly = y - y0;
        double lx = xx - x0;
        return (1 - ly) * (1 - lx) * x[plane + y0 * w + x0] + (1 - ly) * lx * x[plane + y0 * w + x1]
                + ly * (1 - lx) * x[plane + y1 * w + x0] + ly * lx * x[plane + y1 * w + x1];
    }

    /** y[o, j, i] = x[o, index[j], i] for x of {@code shape} and the axis {@code axis}. */
    public static double[] gather(double[] x, int[] shape, int axis, int[] index) {
        int outer = NdIndex.numel(java.util.Arrays.copyOfRange(shape, 0, axis));
        int n = shape[axis];
        int inner = NdIndex.numel(java.util.Arrays.copyOfRange(shape, axis + 1, shape.length));
        double[] y = new double[outer * index.length * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < index.length; j++) {
                for (int i = 0; i < inner; i++) {
                    y[(o * index.length + j) * inner + i] = x[(o * n + index[j]) * inner + i];
                }
            }
        }
        return y;
    }

    /** y = zeros with axis size {@code size}, y[o, index[j], i] += src[o, j, i]. */
    public static double[] scatterAdd(double[] src, int[] shape, int axis, int[] index, int size) {
        int outer = NdIndex.numel(java.util.Arrays.copyOfRange(shape, 0, axis));
        int inner = NdIndex.numel(java.util.Arrays.copyOfRange(shape, axis + 1, shape.length));
        double[] y = new double[outer * size * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < index.length; j++) {
                for (int i = 0; i < inner; i++) {
                    y[(o * size + index[j]) * inner + i] += src[(o * index.length + j) * inner + i];
                }
            }
        }
        return y;
    }

    /** IoU of box i of a with box j of b (flat (·, 4) arrays), in double. */
    public static double iou(double[] a, int i, double[] b, int j) {
        double interW = Math.max(0, Math.min(a[4 * i + 2], b[4 * j + 2]) - Math.max(a[4 * i], b[4 * j]));
        double interH = Math.max(0, Math.min(a[4 * i + 3], b[4 * j + 3]) - Math.max(a[4 * i + 1], b[4 * j + 1]));
        double inter = interW * interH;
        double areaA = (a[4 * i + 2] - a[4 * i]) * (a[4 * i + 3] - a[4 * i + 1]);
        double areaB = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
        return inter / (areaA + areaB - inter);
    }

    /** The (n, m) IoU matrix. */
    public static double[] iouMatrix(double[] a, double[] b) {
        int n = a.length / 4;
        int m = b.length / 4;
        double[] r = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                r[i * m + j] = iou(a, i, b, j);
            }
        }
        return r;
    }

    /**
     * Non-maximum suppression by its definition: per class, while boxes remain, take the highest-scoring one
     * (lowest index among equals), keep it and drop every remaining box of its class overlapping it by more than
     * the threshold (the IoU as the kernel computes it, in float); the kept boxes of all classes are then listed by
     * decreasing score, equal scores by index.
     */
    public static int[] nms(float[] boxes, float[] scores, int[] classes, float threshold) {
        int n = scores.length;
        List<Integer> kept = new ArrayList<>();
        boolean[] removed = new boolean[n];
        while (true) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!removed[i] && (best < 0 || scores[i] > scores[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            kept.add(best);
            removed[best] = true;
            for (int j = 0; j < n; j++) {
                if (!removed[j] && (classes == null || classes[j] == classes[best])
                        && dev.nucleon.core.ops.Boxes.iou(boxes, best, j) > threshold) {
                    removed[j] = true;
                }
            }
        }
        // the greedy picks above run over all classes at once, best first, so `kept` is already in score order
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }
}
