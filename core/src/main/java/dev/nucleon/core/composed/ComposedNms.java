package dev.nucleon.core.composed;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.reference.NmsLoops;

/**
 * {@link Backend#nmsMask}'s default: a round trip to the host. The sorted boxes (and the classes) are read back and
 * {@link NmsLoops#suppressionMask} computes the mask there; the device backends (OpenCL, CUDA) override it with a
 * kernel that computes one 64-bit word per work-item.
 */
public final class ComposedNms {

    private ComposedNms() {
    }

    /**
     * {@return the suppression mask of the n sorted boxes}, computed on the host.
     *
     * @param b            the backend that owns the storages
     * @param boxes        (n, 4), highest score first
     * @param classes      n class labels, or null
     * @param n            the number of boxes
     * @param iouThreshold the IoU above which a box suppresses a later one
     */
    public static long[] mask(Backend b, Storage boxes, Storage classes, int n, float iouThreshold) {
        float[] box = new float[Math.multiplyExact(4, n)];
        b.download(boxes, 0, box, 0, box.length);
        float[] cls = null;
        if (classes != null) {
            cls = new float[n];
            b.download(classes, 0, cls, 0, n);
        }
        return NmsLoops.suppressionMask(box, cls, n, iouThreshold);
    }
}
