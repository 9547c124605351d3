package dev.nucleon.core.reference;

import dev.nucleon.core.backend.RoiAlignGeometry;

/**
 * RoIAlign's forward and backward passes as plain loops over float arrays, following torchvision's CPU kernel
 * ({@code roi_align_kernel.cpp}) and ONNX Runtime's statement for statement: the specification
 * ({@link RoiAlignGeometry} has the formula), the CPU backend's kernel, and what {@code Backend}'s default runs on
 * the host. The backward pass scatters each output's gradient back to the four neighbours of every sample with the
 * same weights (the forward pass is linear in x); the regions get no gradient (as in torchvision).
 */
public final class RoiAlignLoops {

    private RoiAlignLoops() {
    }

    /**
     * y = roiAlign(x, rois).
     *
     * @param g    the sizes
     * @param x    the feature map (N, C, H, W)
     * @param rois (R, 5): batch index, x1, y1, x2, y2
     * @param y    (R, C, outH, outW), written
     */
    public static void forward(RoiAlignGeometry g, float[] x, float[] rois, float[] y) {
        run(g, x, rois, y, false);
    }

    /**
     * gx += ∂y/∂x applied to gy (gx is accumulated into: zero it first for the plain gradient).
     *
     * @param g    the sizes
     * @param rois (R, 5)
     * @param gy   ∂L/∂y (R, C, outH, outW)
     * @param gx   ∂L/∂x (N, C, H, W), accumulated into
     */
    public static void backward(RoiAlignGeometry g, float[] rois, float[] gy, float[] gx) {
        run(g, gx, rois, gy, true);
    }

    /** One loop for both passes: forward reads {@code map} into {@code out}; backward scatters {@code out} into {@code map}. */
    private static void run(RoiAlignGeometry g, float[] map, float[] rois, float[] out, boolean backward) {
        int c = g.channels();
        int h = g.height();
        int w = g.width();
        int outH = g.outH();
        int outW = g.outW();
        float offset = g.aligned() ? 0.5f : 0f;
        int[] pos = new int[4];
        float[] wt = new float[4];
        for (int r = 0; r < g.rois(); r++) {
            int batch = (int) rois[r * 5];
            float startW = rois[r * 5 + 1] * g.spatialScale() - offset;
            float startH = rois[r * 5 + 2] * g.spatialScale() - offset;
            float endW = rois[r * 5 + 3] * g.spatialScale() - offset;
            float endH = rois[r * 5 + 4] * g.spatialScale() - offset;
            float roiW = endW - startW;
            float roiH = endH - startH;
            if (!g.aligned()) { // legacy: force malformed boxes to 1×1
                roiW = Math.max(roiW, 1f);
                roiH = Math.max(roiH, 1f);
            }
            float binH = roiH / outH;
            float binW = roiW / outW;
            int gridH = g.samplingRatio() > 0 ? g.samplingRatio() : (int) Math.ceil(roiH / outH);
            int gridW = g.samplingRatio() > 0 ? g.samplingRatio() : (int) Math.ceil(roiW / outW);
            float count = Math.max(gridH * gridW, 1);
            for (int ch = 0; ch < c; ch++) {
                int plane = (batch * c + ch) * h * w;
                int outBase = ((r * c) + ch) * outH * outW;
                for (int ph = 0; ph < outH; ph++) {
                    for (int pw = 0; pw < outW; pw++) {
                        int o = outBase + ph * outW + pw;
                        float sum = 0f;
                        float share = backward ? out[o] / count : 0f;
                        for (int iy = 0; iy < gridH; iy++) {
                            float yy = startH + ph * binH + (iy + 0.5f) * binH / gridH;
                            for (int ix = 0; ix < gridW; ix++) {
                                float xx = startW + pw * binW + (ix + 0.5f) * binW / gridW;
                                if (!bilinear(h, w, yy, xx, pos, wt)) {
                                    continue;
                                }
                                if (backward) {
                                    for (int k = 0; k < 4; k++) {
                                        map[plane + pos[k]] += wt[k] * share;
                                    }
                                } else {
                                    sum += wt[0] * map[plane + pos[0]] + wt[1] * map[plane + pos[1]]
                                            + wt[2] * map[plane + pos[2]] + wt[3] * map[plane + pos[3]];
                                }
                            }
                        }
                        if (!backward) {
                            out[o] = sum / count;
                        }
                    }
                }
            }
        }
    }

    /**
     * The four neighbours of sample (y, x) of an h×w plane and their bilinear weights; false (no contribution)
     * for a sample outside [−1, h] × [−1, w].
     */
    private static boolean bilinear(int h, int w, float y, float x, int[] pos, float[] wt) {
        if (y < -1f || y > h || x < -1f || x > w) {
            return false;
        }
        if (y <= 0) {
            y = 0;
        }
        if (x <= 0) {
            x = 0;
        }
        int yLow = (int) y;
        int xLow = (int) x;
        int yHigh;
        int xHigh;
        if (yLow >= h - 1) {
            yHigh = yLow = h - 1;
            y = yLow;
        } else {
            yHigh = yLow + 1;
        }
        if (xLow >= w - 1) {
            xHigh = xLow = w - 1;
            x = xLow;
        } else {
            xHigh = xLow + 1;
        }
        float ly = y - yLow;
        float lx = x - xLow;
        float hy = 1f - ly;
        float hx = 1f - lx;
        pos[0] = yLow * w + xLow;
        pos[1] = yLow * w + xHigh;
        pos[2] = yHigh * w + xLow;
        pos[3] = yHigh * w + xHigh;
        wt[0] = hy * hx;
        wt[1] = hy * lx;
        wt[2] = ly * hx;
        wt[3] = ly * lx;
        return true;
    }
}
