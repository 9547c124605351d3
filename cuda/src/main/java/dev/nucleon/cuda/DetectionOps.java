package dev.nucleon.cuda;

import dev.nucleon.core.backend.RoiAlignGeometry;
import dev.nucleon.core.reference.NmsLoops;

import java.util.List;

import static dev.nucleon.cuda.Kernel.Param.F32;
import static dev.nucleon.cuda.Kernel.Param.I32;
import static dev.nucleon.cuda.Kernel.Param.I64;
import static dev.nucleon.cuda.Kernel.Param.PTR;

/**
 * Launches the kernels of {@code detection.cu} (the twin of the OpenCL backend's {@code detection.cl}): RoIAlign
 * forward and backward (one thread per element of y / gy; the backward pass adds into a zero-filled gx with float
 * {@code atomicAdd}) and the NMS suppression bitmask (one thread per 64-bit word; the greedy scan over it runs on the
 * host, {@link NmsLoops#greedyScan}).
 */
final class DetectionOps {

    static final Kernel ROI_ALIGN_FORWARD = Kernel.of("detection", "roi_align_forward", PTR, PTR, PTR, I32, I32, I32,
            I32, I32, F32, I32, I32, I64);
    static final Kernel ROI_ALIGN_BACKWARD = Kernel.of("detection", "roi_align_backward", PTR, PTR, PTR, I32, I32, I32,
            I32, I32, F32, I32, I32, I64);
    static final Kernel NMS_MASK = Kernel.of("detection", "nms_mask", PTR, PTR, I32, I32, I32, F32, PTR, I64);

    /** Every kernel this class launches (KernelBinariesTest checks them against the binaries). */
    static final List<Kernel> KERNELS = List.of(ROI_ALIGN_FORWARD, ROI_ALIGN_BACKWARD, NMS_MASK);

    private final CudaBackend backend;

    DetectionOps(CudaBackend backend) {
        this.backend = backend;
    }

    private static long outputSize(RoiAlignGeometry g) {
        return (long) g.rois() * g.channels() * g.outH() * g.outW();
    }

    /** y (R, C, outH, outW) = roiAlign(x (N, C, H, W), rois (R, 5)). */
    void roiAlign(RoiAlignGeometry g, CudaStorage x, CudaStorage rois, CudaStorage y) {
        long n = outputSize(g);
        if (n > 0) {
            ROI_ALIGN_FORWARD.launch(backend.context(), Grid.linear(n), x, rois, y, g.channels(), g.height(), g.width(),
                    g.outH(), g.outW(), g.spatialScale(), g.samplingRatio(), g.aligned() ? 1 : 0, n);
        }
    }

    /** gx (N, C, H, W) = ∂roiAlign/∂x applied to gy (R, C, outH, outW): zero fill, then atomic adds. */
    void roiAlignBackward(RoiAlignGeometry g, CudaStorage rois, CudaStorage gy, CudaStorage gx) {
        backend.fill(gx, 0f);
        long n = outputSize(g);
        if (n > 0) {
            ROI_ALIGN_BACKWARD.launch(backend.context(), Grid.linear(n), rois, gy, gx, g.channels(), g.height(),
                    g.width(), g.outH(), g.outW(), g.spatialScale(), g.samplingRatio(), g.aligned() ? 1 : 0, n);
        }
    }

    /**
     * The suppression mask of n sorted boxes (see {@code Backend.nmsMask}): the kernel writes each 64-bit word as two
     * uint32 (low first) into a float buffer of 2·n·words elements, read back raw and joined here.
     */
    long[] nmsMask(CudaStorage boxes, CudaStorage classes, int n, float iouThreshold) {
        int words = NmsLoops.words(n);
        long total = (long) n * words;
        if (total == 0) {
            return new long[0];
        }
        CudaStorage mask = new CudaStorage(backend, Math.multiplyExact(2, total));
        try {
            NMS_MASK.launch(backend.context(), Grid.linear(total), boxes, Kernel.orNull(classes), classes != null ? 1 : 0,
                    n, words, iouThreshold, mask, total);
            float[] halves = new float[Math.toIntExact(2 * total)];
            backend.download(mask, 0, halves, 0, halves.length);
            return NmsLoops.joinHalves(halves);
        } finally {
            mask.release();
        }
    }
}
