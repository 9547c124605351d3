package dev.nucleon.core.composed;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.RoiAlignGeometry;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.reference.RoiAlignLoops;

/**
 * RoIAlign's default: not a composition but a round trip to the host. The feature map, the regions (and for the
 * backward pass the output gradient) are read back, {@link RoiAlignLoops} runs there, and the result is uploaded.
 * Correct on every backend and slow on a device (it moves the whole feature map twice); a device backend
 * overrides {@link Backend#roiAlign} and {@link Backend#roiAlignBackward} with a kernel (OpenCL: detection.cl,
 * CUDA: detection.cu).
 *
 * <p>Why not primitives: the bilinear sampling is separable, y_r,c = A_y(r) · x_b,c · A_x(r)ᵀ with per-region
 * interpolation matrices, so two batched {@link Backend#matmul}s per image would do — but over the whole H×W
 * plane per region, hundreds of times the work of the direct loop for the small regions of a detector.
 */
public final class ComposedRoiAlign {

    private ComposedRoiAlign() {
    }

    /**
     * y = roiAlign(x, rois), on the host.
     *
     * @param b    the backend that owns the storages
     * @param g    the sizes
     * @param x    (N, C, H, W)
     * @param rois (R, 5)
     * @param y    (R, C, outH, outW), written
     */
    public static void forward(Backend b, RoiAlignGeometry g, Storage x, Storage rois, Storage y) {
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(g.rois(), g.channels()), g.outH() * g.outW())];
        RoiAlignLoops.forward(g, read(b, x), read(b, rois), out);
        write(b, out, y);
    }

    /**
     * gx = ∂y/∂x applied to gy, on the host.
     *
     * @param b    the backend that owns the storages
     * @param g    the sizes
     * @param rois (R, 5)
     * @param gy   ∂L/∂y (R, C, outH, outW)
     * @param gx   ∂L/∂x (N, C, H, W), written
     */
    public static void backward(Backend b, RoiAlignGeometry g, Storage rois, Storage gy, Storage gx) {
        float[] grad = new float[Math.toIntExact(gx.size())];
        RoiAlignLoops.backward(g, read(b, rois), read(b, gy), grad);
        write(b, grad, gx);
    }

    static float[] read(Backend b, Storage s) {
        float[] a = new float[Math.toIntExact(s.size())];
        b.download(s, 0, a, 0, a.length);
        return a;
    }

    static void write(Backend b, float[] values, Storage target) {
        Storage up = b.upload(values, 0, values.length);
        b.copy(up, target);
        b.release(up);
    }
}
