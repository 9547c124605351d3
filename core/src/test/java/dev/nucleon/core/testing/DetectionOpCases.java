package dev.nucleon.core.testing;

import dev.nucleon.core.Device;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.backend.RoiAlignGeometry;
import dev.nucleon.core.ops.Boxes;
import dev.nucleon.core.reference.NmsLoops;
import dev.nucleon.core.reference.RoiAlignLoops;
import dev.nucleon.core.ops.Indexing;
import dev.nucleon.core.ops.RoiAlign;
import org.junit.jupiter.api.DynamicTest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The detection ops' conformance cases (Mask R-CNN, issue 21), run by {@link BackendConformanceSuite} on every
 * backend: RoIAlign forward against {@link ReferenceDetection#roiAlign} and its gradient by finite differences;
 * gather and scatter-add, each the other's gradient; the IoU matrix against a double loop; NMS (plain and per
 * class) against the brute-force definition on hundreds of seeded random boxes; top-k against a stable sort.
 */
final class DetectionOpCases {

    private DetectionOpCases() {
    }

    /** Regions on a (2, 3, 8, 9) map: inside, partly outside (left/top and right/bottom), smaller than a pixel, the whole map. */
    static final float[] ROIS = {
            0, 1.2f, 0.7f, 6.3f, 5.1f,
            1, -2.0f, -1.5f, 3.3f, 2.6f,
            1, 4.1f, 3.3f, 12.5f, 10.7f,
            0, 2.2f, 2.9f, 2.6f, 3.05f,
            0, 0f, 0f, 9f, 8f};

    private record Roi(String name, int outH, int outW, float scale, int samplingRatio, boolean aligned) {
    }

    static OpCheck roiAlign(String name, int[] xs, float[] rois, int outH, int outW, float scale, int sampling,
                            boolean aligned) {
        int r = rois.length / 5;
        return OpCheck.of("roi_align", name).input("x", xs).input("rois", r, 5).values(rois).noGrad()
                .op(t -> RoiAlign.roiAlign(t[0], t[1], outH, outW, scale, sampling, aligned))
                .reference(new int[] {r, xs[1], outH, outW},
                        a -> ReferenceDetection.roiAlign(a[0], xs, a[1], outH, outW, scale, sampling, aligned));
    }

    static Stream<DynamicTest> roiAlignCases(Device device) {
        int[] xs = {2, 3, 8, 9};
        List<OpCheck> checks = new ArrayList<>();
        for (Roi c : List.of(
                new Roi("2x2, sampling 2, aligned", 2, 2, 1f, 2, true),
                new Roi("2x2, sampling 2, not aligned", 2, 2, 1f, 2, false),
                new Roi("3x4, adaptive sampling, aligned", 3, 4, 1f, 0, true),
                new Roi("3x4, adaptive sampling, not aligned", 3, 4, 1f, 0, false),
                new Roi("scale 0.5, 2x3, sampling 1, aligned", 2, 3, 0.5f, 1, true),
                new Roi("scale 1.75, 7x7, sampling 3, not aligned", 7, 7, 1.75f, 3, false))) {
            checks.add(roiAlign(c.name, xs, ROIS, c.outH, c.outW, c.scale, c.samplingRatio, c.aligned));
        }
        checks.add(roiAlign("one region, one channel, 1x1 output", new int[] {1, 1, 5, 5},
                new float[] {0, 0.5f, 1.5f, 3.5f, 4.25f}, 1, 1, 1f, 0, true));
        return checks.stream().map(c -> DynamicTest.dynamicTest("roi_align " + c.name(), () -> c.run(device)));
    }

    /**
     * The backend's {@code roiAlign} and {@code roiAlignBackward} called directly on random maps, gradients and
     * regions (corners anywhere in −4 … size + 4 of the image, so many lie partly outside the map; some smaller than a
     * pixel; some reversed), both {@code aligned} values, sampling ratios 0 (adaptive) and 1 … 3, scales 1/2 … 2, and
     * no regions at all: against {@link RoiAlignLoops} on the host. The backward pass is compared after a zero fill
     * of gx with NaN on the device beforehand (it must write every element).
     */
    static Stream<DynamicTest> roiAlignRandomCases(Device device) {
        List<DynamicTest> tests = new ArrayList<>();
        int seed = 0;
        for (boolean aligned : new boolean[] {false, true}) {
            for (int sampling : new int[] {0, 1, 2, 3}) {
                for (int rois : sampling == 2 ? new int[] {0, 9} : new int[] {9}) {
                    int s = seed++;
                    String name = "roi_align " + rois + " random regions, sampling " + sampling
                            + (aligned ? ", aligned" : "") + " = RoiAlignLoops (forward, backward)";
                    tests.add(DynamicTest.dynamicTest(name, () -> checkRoiAlignRandom(device, s, rois, sampling, aligned)));
                }
            }
        }
        return tests.stream();
    }

    private static void checkRoiAlignRandom(Device device, int seed, int r, int sampling, boolean aligned) {
        SplittableRandom g = new SplittableRandom(1000 + seed);
        int n = 2, c = 3, h = 7 + g.nextInt(5), w = 6 + g.nextInt(6), outH = 1 + g.nextInt(4), outW = 1 + g.nextInt(4);
        float scale = new float[] {0.5f, 1f, 1.25f, 2f}[g.nextInt(4)];
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (g.nextDouble() * 2 - 1);
        }
        float imageH = h / scale, imageW = w / scale;
        float[] rois = new float[5 * r];
        for (int i = 0; i < r; i++) {
            rois[5 * i] = g.nextInt(n);
            for (int k = 0; k < 4; k++) {
                double extent = k % 2 == 0 ? imageW : imageH;
                rois[5 * i + 1 + k] = (float) (g.nextDouble() * (extent + 8) - 4);
            }
            if (i % 3 == 0) {                                                    // smaller than a pixel
                rois[5 * i + 3] = rois[5 * i + 1] + 0.3f;
                rois[5 * i + 4] = rois[5 * i + 2] + 0.2f;
            }
        }
        float[] gy = new float[r * c * outH * outW];
        for (int i = 0; i < gy.length; i++) {
            gy[i] = (float) (g.nextDouble() * 2 - 1);
        }
        RoiAlignGeometry geometry = new RoiAlignGeometry(n, c, h, w, r, outH, outW, scale, sampling, aligned);
        float[] expected = new float[gy.length];
        RoiAlignLoops.forward(geometry, x, rois, expected);
        float[] expectedGrad = new float[x.length];
        RoiAlignLoops.backward(geometry, rois, gy, expectedGrad);

        Backend backend = Backends.get(device);
        Tensor xt = Tensor.of(x, n, c, h, w).to(device);
        Tensor rt = Tensor.of(rois, r, 5).to(device);
        Tensor yt = Tensor.full(Float.NaN, r, c, outH, outW).to(device);
        Tensor gyt = Tensor.of(gy, r, c, outH, outW).to(device);
        Tensor gxt = Tensor.full(Float.NaN, n, c, h, w).to(device);
        if (r > 0) {
            backend.roiAlign(geometry, xt.storage(), rt.storage(), yt.storage());
        }
        backend.roiAlignBackward(geometry, rt.storage(), gyt.storage(), gxt.storage());
        float[] y = yt.toArray();
        float[] gx = gxt.toArray();
        for (int i = 0; i < y.length; i++) {
            assertEquals(expected[i], y[i], 1e-5f * (1 + Math.abs(expected[i])), "y[" + i + "] of " + geometry);
        }
        for (int i = 0; i < gx.length; i++) {
            assertEquals(expectedGrad[i], gx[i], 1e-5f * (1 + Math.abs(expectedGrad[i])), "gx[" + i + "] of " + geometry);
        }
        if (r > 0) {                                                             // not vacuous: samples landed
            double mass = 0;
            for (float v : expectedGrad) {
                mass += Math.abs(v);
            }
            assertTrue(mass > 0, "no region of " + geometry + " touches the map");
        }
    }

    static Stream<DynamicTest> indexingCases(Device device) {
        List<OpCheck> checks = new ArrayList<>();
        Object[][] cases = {
                {new int[] {4, 5}, 0, new int[] {3, 0, 3, 1}},
                {new int[] {2, 6, 3}, 1, new int[] {5, 0, 2, 2, 1}},
                {new int[] {3, 4}, -1, new int[] {1, 1, 3}},
                {new int[] {7}, 0, new int[] {6, 2}},
        };
        for (Object[] c : cases) {
            int[] shape = (int[]) c[0];
            int axis = (Integer) c[1];
            int[] index = (int[]) c[2];
            int a = axis < 0 ? axis + shape.length : axis;
            int[] gathered = shape.clone();
            gathered[a] = index.length;
            String label = Arrays.toString(shape) + " axis " + axis + " " + Arrays.toString(index);
            checks.add(OpCheck.of("gather", "gather " + label).input("x", shape)
                    .op(t -> Indexing.gather(t[0], axis, index))
                    .reference(gathered, x -> ReferenceDetection.gather(x[0], shape, a, index)));
            checks.add(OpCheck.of("gather", "scatter_add " + label).input("src", gathered)
                    .op(t -> Indexing.scatterAdd(t[0], axis, index, shape[a]))
                    .reference(shape, x -> ReferenceDetection.scatterAdd(x[0], gathered, a, index, shape[a])));
        }
        return checks.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> c.run(device)));
    }

    /** n random boxes in a 0…extent field, sides 0.5…maxSide, as x1, y1, x2, y2. */
    static float[] randomBoxes(SplittableRandom r, int n, double extent, double maxSide) {
        float[] b = new float[4 * n];
        for (int i = 0; i < n; i++) {
            float x1 = (float) (r.nextDouble() * extent);
            float y1 = (float) (r.nextDouble() * extent);
            b[4 * i] = x1;
            b[4 * i + 1] = y1;
            b[4 * i + 2] = x1 + (float) (0.5 + r.nextDouble() * (maxSide - 0.5));
            b[4 * i + 3] = y1 + (float) (0.5 + r.nextDouble() * (maxSide - 0.5));
        }
        return b;
    }

    static Stream<DynamicTest> boxCases(Device device) {
        List<DynamicTest> tests = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(21);
        float[] a = randomBoxes(r, 9, 10, 6);
        float[] b = randomBoxes(r, 6, 10, 6);
        System.arraycopy(a, 0, b, 0, 4);                                 // an identical pair: IoU 1
        b[4] = 100; b[5] = 100; b[6] = 101; b[7] = 101;                   // a box meeting nothing: IoU 0
        OpCheck iou = OpCheck.of("box_iou", "9 x 6 random boxes").input("a", 9, 4).values(a).noGrad()
                .input("b", 6, 4).values(b).noGrad()
                .op(t -> Boxes.iou(t[0], t[1]))
                .reference(new int[] {9, 6}, x -> ReferenceDetection.iouMatrix(x[0], x[1]));
        tests.add(DynamicTest.dynamicTest("box_iou 9 x 6 random boxes", () -> iou.run(device)));
        tests.add(DynamicTest.dynamicTest("box_iou identical 1, disjoint 0", () -> {
            Tensor m = Boxes.iou(Tensor.of(a, 9, 4).to(device), Tensor.of(b, 6, 4).to(device));
            assertEquals(1f, m.get(0, 0), 1e-6f);
            for (int i = 0; i < 9; i++) {
                assertEquals(0f, m.get(i, 1));
            }
        }));
        for (int n : new int[] {300, 500}) {
            for (float threshold : new float[] {0.3f, 0.5f, 0.7f}) {
                for (boolean perClass : new boolean[] {false, true}) {
                    String name = "nms " + n + " random boxes, IoU > " + threshold + (perClass ? ", 3 classes" : "")
                            + " = brute force";
                    tests.add(DynamicTest.dynamicTest(name, () -> {
                        SplittableRandom g = new SplittableRandom(n * 31L + (long) (threshold * 10) + (perClass ? 7 : 0));
                        float[] boxes = randomBoxes(g, n, 25, 15);
                        float[] scores = new float[n];
                        int[] classes = perClass ? new int[n] : null;
                        for (int i = 0; i < n; i++) {
                            scores[i] = Math.round(g.nextDouble() * 40) / 40f;   // ties on purpose
                            if (perClass) {
                                classes[i] = g.nextInt(3);
                            }
                        }
                        int[] ours = Boxes.batchedNms(Tensor.of(boxes, n, 4).to(device), Tensor.of(scores, n).to(device),
                                classes, threshold);
                        int[] expected = ReferenceDetection.nms(boxes, scores, classes, threshold);
                        assertArrayEquals(expected, ours, name);
                        assertTrue(ours.length > 10 && ours.length < n, name + ": kept " + ours.length + " of " + n);
                    }));
                }
            }
        }
        for (int n : new int[] {1, 63, 64, 65, 200}) {
            for (boolean perClass : new boolean[] {false, true}) {
                String name = "nms by the backend's mask, " + n + " boxes (duplicates, zero-area, tied scores"
                        + (perClass ? ", 4 classes" : "") + ") = host path";
                tests.add(DynamicTest.dynamicTest(name, () -> checkMaskNms(device, n, perClass, name)));
            }
        }
        tests.add(DynamicTest.dynamicTest("nms keeps the first of equal boxes with equal scores, drops the rest", () -> {
            float[] boxes = {0, 0, 2, 2, 0, 0, 2, 2, 5, 5, 6, 6, 0, 0, 2, 2};
            int[] keep = Boxes.nms(Tensor.of(boxes, 4, 4).to(device), Tensor.of(new float[] {0.5f, 0.9f, 0.1f, 0.9f}, 4)
                    .to(device), 0.5f);
            assertArrayEquals(new int[] {1, 2}, keep);
            assertArrayEquals(new int[] {1, 0, 2}, Boxes.batchedNms(Tensor.of(boxes, 4, 4).to(device),
                    Tensor.of(new float[] {0.5f, 0.9f, 0.1f, 0.9f}, 4).to(device), new int[] {0, 1, 0, 1}, 0.5f));
        }));
        tests.add(DynamicTest.dynamicTest("top_k = stable sort, largest first, ties by index", () -> {
            SplittableRandom g = new SplittableRandom(5);
            float[] v = new float[60];
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.round(g.nextDouble() * 12) / 4f;
            }
            Tensor x = Tensor.of(v, 60).to(device);
            Integer[] order = new Integer[60];
            for (int i = 0; i < 60; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (p, q) -> Float.compare(v[q], v[p]));
            for (int k : new int[] {0, 1, 17, 60}) {
                int[] expected = Arrays.stream(order).limit(k).mapToInt(Integer::intValue).toArray();
                assertArrayEquals(expected, Indexing.topK(x, k), "k = " + k);
            }
            float[] top = Indexing.gather(x, 0, Indexing.topK(x, 5)).toArray();
            for (int i = 1; i < 5; i++) {
                assertTrue(top[i - 1] >= top[i]);
            }
        }));
        return tests.stream();
    }

    /**
     * Random boxes with exact duplicates, zero-area boxes (a point, a segment), a NaN-free but degenerate pair
     * (two identical points: union 0, IoU NaN) and tied scores: the backend's {@code nmsMask} equals the host's
     * {@link NmsLoops#suppressionMask} bit for bit, and {@link Boxes#batchedNmsByMask} keeps exactly the host
     * path's indices, at three thresholds (0 included: any overlap suppresses).
     */
    private static void checkMaskNms(Device device, int n, boolean perClass, String name) {
        SplittableRandom g = new SplittableRandom(n * 131L + (perClass ? 1 : 0));
        float[] boxes = randomBoxes(g, n, 20, 12);
        float[] scores = new float[n];
        int[] classes = perClass ? new int[n] : null;
        for (int i = 0; i < n; i++) {
            scores[i] = Math.round(g.nextDouble() * 10) / 10f;
            if (perClass) {
                classes[i] = 1000 * g.nextInt(4) - 7;                        // labels far apart, negative too
            }
            int kind = g.nextInt(10);
            if (kind == 0 && i > 0) {                                        // a duplicate of an earlier box
                int k = g.nextInt(i);
                System.arraycopy(boxes, 4 * k, boxes, 4 * i, 4);
                if (g.nextBoolean()) {
                    scores[i] = scores[k];
                }
            } else if (kind == 1) {                                          // a point
                boxes[4 * i + 2] = boxes[4 * i];
                boxes[4 * i + 3] = boxes[4 * i + 1];
            } else if (kind == 2) {                                          // a horizontal segment
                boxes[4 * i + 3] = boxes[4 * i + 1];
            }
        }
        Backend backend = Backends.get(device);
        Tensor b = Tensor.of(boxes, n, 4).to(device);
        Tensor s = Tensor.of(scores, n).to(device);
        for (float threshold : new float[] {0f, 0.4f, 0.75f}) {
            int[] expected = Boxes.batchedNms(boxes, scores, classes, threshold);
            assertArrayEquals(expected, Boxes.batchedNmsByMask(b, s, classes, threshold), name + ", IoU > " + threshold);
            assertArrayEquals(expected, Boxes.batchedNms(b, s, classes, threshold), name + ", IoU > " + threshold);
            float[] labels = null;
            if (perClass) {
                labels = new float[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = classes[i];
                }
            }
            long[] mask = backend.nmsMask(b.storage(), labels == null ? null : Tensor.of(labels, n).to(device).storage(),
                    n, threshold);
            assertArrayEquals(NmsLoops.suppressionMask(boxes, labels, n, threshold), mask,
                    name + ", IoU > " + threshold + ": the mask (unsorted boxes)");
        }
    }

    static Stream<DynamicTest> behaviourCases(Device device) {
        return Stream.of(
                DynamicTest.dynamicTest("roi_align with no regions gives (0, C, h, w)", () -> {
                    Tensor x = Tensor.uniform(1, -1, 1, 1, 2, 4, 4).to(device).requiresGrad(true);
                    Tensor y = RoiAlign.roiAlign(x, Tensor.zeros(0, 5).to(device), 3, 3, 1f, 2, true);
                    assertArrayEquals(new int[] {0, 2, 3, 3}, y.shape());
                    y.sum().backward();
                    assertEquals(0f, x.grad().abs().sum().item());
                }),
                DynamicTest.dynamicTest("gather of no indices gives an empty axis", () -> {
                    Tensor x = Tensor.uniform(1, -1, 1, 3, 4).to(device);
                    assertArrayEquals(new int[] {3, 0}, Indexing.gather(x, 1).shape());
                }),
                DynamicTest.dynamicTest("roi_align names a bad batch index and a bad rois shape", () -> {
                    Tensor x = Tensor.zeros(2, 1, 4, 4).to(device);
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RoiAlign.roiAlign(x,
                            Tensor.of(new float[] {0, 0, 0, 1, 1, 2, 0, 0, 1, 1}, 2, 5).to(device), 2, 2, 1f, 0, true));
                    assertTrue(e.getMessage().contains("roi 1 has batch index 2.0"), e.getMessage());
                    e = assertThrows(IllegalArgumentException.class, () -> RoiAlign.roiAlign(x,
                            Tensor.zeros(3, 4).to(device), 2, 2, 1f, 0, true));
                    assertTrue(e.getMessage().contains("(R, 5)") && e.getMessage().contains("[3, 4]"), e.getMessage());
                }),
                DynamicTest.dynamicTest("gather names an index out of range", () -> {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> Indexing.gather(Tensor.zeros(4, 2).to(device), 0, 1, 4));
                    assertTrue(e.getMessage().contains("index 4 at position 1 is outside [0, 4)"), e.getMessage());
                }));
    }
}
