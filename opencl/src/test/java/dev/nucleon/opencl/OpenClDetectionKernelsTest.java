package dev.nucleon.opencl;

import dev.nucleon.core.Device;
import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.backend.RoiAlignGeometry;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.reference.NmsLoops;
import dev.nucleon.core.reference.RoiAlignLoops;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code detection.cl}: that the backend really runs it (it overrides the host round-trip defaults of
 * {@code roiAlign}, {@code roiAlignBackward} and {@code nmsMask}; the conformance suite's detection cases then go
 * through these kernels), the host-side join of the mask's halves, and the cases the conformance suite does not
 * stress: many regions piling their samples onto a small map (the backward pass's compare-and-swap atomic adds under
 * contention), and a mask of more than one word per row whose bits cover all 64 positions.
 */
class OpenClDetectionKernelsTest {

    @Test
    void theDetectionOpsAreTheBackendsOwnNotTheHostDefaults() throws NoSuchMethodException {
        Class<?>[][] signatures = {
                {RoiAlignGeometry.class, Storage.class, Storage.class, Storage.class},
                {RoiAlignGeometry.class, Storage.class, Storage.class, Storage.class},
                {Storage.class, Storage.class, int.class, float.class}};
        String[] names = {"roiAlign", "roiAlignBackward", "nmsMask"};
        for (int k = 0; k < names.length; k++) {
            assertEquals(OpenClBackend.class, OpenClBackend.class.getMethod(names[k], signatures[k]).getDeclaringClass(),
                    names[k]);
        }
    }

    @Test
    void maskWordsAreJoinedFromTheirRawHalvesLowFirst() {
        long[] words = {0L, -1L, 1L << 63, 0x7fc00000_ffffffffL, 0x00000001_7f800001L, 0xdeadbeef_cafebabeL};
        float[] halves = new float[2 * words.length];
        for (int k = 0; k < words.length; k++) {
            halves[2 * k] = Float.intBitsToFloat((int) words[k]);
            halves[2 * k + 1] = Float.intBitsToFloat((int) (words[k] >>> 32));
        }
        assertArrayEquals(words, NmsLoops.joinHalves(halves));
    }

    @Test
    @RequiresOpenCl
    void roiAlignBackwardAddsUpUnderContention() {
        int n = 1, c = 2, h = 3, w = 4, r = 300, out = 5;
        SplittableRandom g = new SplittableRandom(3);
        float[] rois = new float[5 * r];
        for (int i = 0; i < r; i++) {                      // every region covers most of the 3×4 map
            rois[5 * i + 1] = (float) g.nextDouble(0, 1);
            rois[5 * i + 2] = (float) g.nextDouble(0, 1);
            rois[5 * i + 3] = (float) g.nextDouble(2.5, 4.5);
            rois[5 * i + 4] = (float) g.nextDouble(1.5, 3.5);
        }
        float[] gy = new float[r * c * out * out];
        for (int i = 0; i < gy.length; i++) {
            gy[i] = (float) g.nextDouble(0, 1);
        }
        RoiAlignGeometry geometry = new RoiAlignGeometry(n, c, h, w, r, out, out, 1f, 2, true);
        double[] expected = new double[n * c * h * w];
        float[] host = new float[expected.length];
        RoiAlignLoops.backward(geometry, rois, gy, host);
        Backend cl = Backends.get(new Device("opencl", 0));
        Storage gx = cl.allocateUninitialized(host.length);
        cl.fill(gx, Float.NaN);
        cl.roiAlignBackward(geometry, cl.upload(rois, 0, rois.length), cl.upload(gy, 0, gy.length), gx);
        float[] device = new float[host.length];
        cl.download(gx, 0, device, 0, device.length);
        double total = 0;
        for (int i = 0; i < host.length; i++) {
            total += host[i];
            assertEquals(host[i], device[i], 1e-4f * Math.abs(host[i]), "gx[" + i + "]");
        }
        double mass = 0;                                   // the gradient's total is gy's (every sample lands inside)
        for (float v : gy) {
            mass += v;
        }
        assertEquals(mass, total, 1e-3 * mass);
    }

    @Test
    @RequiresOpenCl
    void aMaskOfSeveralWordsPerRowEqualsTheHosts() {
        int n = 150;                                        // 3 words per row, the last one partial
        float[] boxes = new float[4 * n];
        for (int i = 0; i < n; i++) {                      // nested boxes: box i overlaps box j by (i+1)²/(j+1)²
            boxes[4 * i + 2] = i + 1;
            boxes[4 * i + 3] = i + 1;
        }
        Backend cl = Backends.get(new Device("opencl", 0));
        for (float threshold : new float[] {-1f, 0.5f, 0.9f}) {
            long[] expected = NmsLoops.suppressionMask(boxes, null, n, threshold);
            assertArrayEquals(expected, cl.nmsMask(cl.upload(boxes, 0, boxes.length), null, n, threshold),
                    "IoU > " + threshold);
            if (threshold < 0) {                            // every bit above the diagonal, incl. bit 63 of a word
                assertEquals(1L << 63, expected[0] & (1L << 63));
                assertTrue(Long.bitCount(expected[0]) == 63 && expected[1] == -1L);
            }
        }
    }
}
