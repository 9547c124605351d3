package dev.nucleon.opencl;

import dev.nucleon.core.backend.RoiAlignGeometry;
import dev.nucleon.core.reference.NmsLoops;

import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Launches the kernels of {@code detection.cl}: RoIAlign forward and backward (one work-item per element of y / gy;
 * the backward pass adds into a zero-filled gx with a compare-and-swap float atomic add) and the NMS suppression
 * bitmask (one work-item per 64-bit word; the greedy scan over it runs on the host, {@link NmsLoops#greedyScan}).
 */
final class DetectionOps {

    private final OpenClContext context;
    private final Consumer<OpenClStorage> zero;
    private final LongFunction<OpenClStorage> allocate;
    private final Downloader download;

    /** Reads n floats of a storage back to the host. */
    interface Downloader {
        void read(OpenClStorage source, float[] target);
    }

    /**
     * @param context  the device
     * @param zero     zero-fills a storage (gx before the backward pass's atomic adds)
     * @param allocate a storage of that many floats (the mask), contents undefined
     * @param download reads a storage back
     */
    DetectionOps(OpenClContext context, Consumer<OpenClStorage> zero, LongFunction<OpenClStorage> allocate,
                 Downloader download) {
        this.context = context;
        this.zero = zero;
        this.allocate = allocate;
        this.download = download;
    }

    private static long outputSize(RoiAlignGeometry g) {
        return (long) g.rois() * g.channels() * g.outH() * g.outW();
    }

    /** y (R, C, outH, outW) = roiAlign(x (N, C, H, W), rois (R, 5)). */
    void roiAlign(RoiAlignGeometry g, OpenClStorage x, OpenClStorage rois, OpenClStorage y) {
        long n = outputSize(g);
        if (n == 0) {
            return;
        }
        context.launch("detection", "roi_align_forward", new long[] {OpenClContext.linear(n)}, null, x, rois, y,
                g.channels(), g.height(), g.width(), g.outH(), g.outW(), g.spatialScale(), g.samplingRatio(),
                g.aligned() ? 1 : 0, n);
    }

    /** gx (N, C, H, W) = ∂roiAlign/∂x applied to gy (R, C, outH, outW): zero fill, then atomic adds. */
    void roiAlignBackward(RoiAlignGeometry g, OpenClStorage rois, OpenClStorage gy, OpenClStorage gx) {
        zero.accept(gx);
        long n = outputSize(g);
        if (n == 0) {
            return;
        }
        context.launch("detection", "roi_align_backward", new long[] {OpenClContext.linear(n)}, null, rois, gy, gx,
                g.channels(), g.height(), g.width(), g.outH(), g.outW(), g.spatialScale(), g.samplingRatio(),
                g.aligned() ? 1 : 0, n);
    }

    /**
     * The suppression mask of n sorted boxes (see {@code Backend.nmsMask}): the kernel writes each 64-bit word as two
     * uint32 (low first) into a float buffer of 2·n·words elements, read back raw and joined here.
     */
    long[] nmsMask(OpenClStorage boxes, OpenClStorage classes, int n, float iouThreshold) {
        int words = NmsLoops.words(n);
        long total = (long) n * words;
        if (total == 0) {
            return new long[0];
        }
        OpenClStorage mask = allocate.apply(Math.multiplyExact(2, total));
        try {
            context.launch("detection", "nms_mask", new long[] {OpenClContext.linear(total)}, null, boxes,
                    classes != null ? classes : boxes, classes != null ? 1 : 0, n, words, iouThreshold, mask, total);
            float[] halves = new float[Math.toIntExact(2 * total)];
            download.read(mask, halves);
            return NmsLoops.joinHalves(halves);
        } finally {
            mask.release();
        }
    }
}
