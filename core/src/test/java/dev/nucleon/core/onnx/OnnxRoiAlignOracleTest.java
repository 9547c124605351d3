package dev.nucleon.core.onnx;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.RoiAlign;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RoiAlign} against ONNX Runtime's {@code RoiAlign} (opset 16, mode avg) on seeded random feature maps and
 * regions, some reaching past the map's edges and some smaller than a cell: torchvision's {@code aligned=True} is
 * ONNX's {@code coordinate_transformation_mode = half_pixel}, {@code aligned=False} its {@code output_half_pixel};
 * ONNX takes the regions as (R, 4) boxes plus int64 batch indices where Nucleon (like torchvision) takes (R, 5).
 * Same tolerance as {@link OnnxOracleTest}. The worst error is printed after the class.
 */
class OnnxRoiAlignOracleTest {

    private static double worst;
    private static int cases;

    private record Case(int n, int c, int h, int w, int rois, int outH, int outW, float scale, int sampling,
                        boolean aligned) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "x(%d,%d,%d,%d) %d rois -> %dx%d scale %.3f sampling %d %s", n, c, h, w,
                    rois, outH, outW, scale, sampling, aligned ? "aligned (half_pixel)" : "not aligned (output_half_pixel)");
        }
    }

    @TestFactory
    Stream<DynamicTest> roiAlignMatchesOnnxRuntime() {
        List<Case> list = new ArrayList<>();
        for (boolean aligned : new boolean[] {true, false}) {
            list.add(new Case(1, 1, 6, 6, 4, 2, 2, 1f, 2, aligned));
            list.add(new Case(2, 3, 13, 11, 20, 7, 7, 1f, 2, aligned));
            list.add(new Case(2, 4, 13, 11, 20, 3, 5, 0.5f, 0, aligned));        // adaptive sampling
            list.add(new Case(1, 2, 16, 16, 30, 14, 14, 0.25f, 0, aligned));     // a stride-4 map, mask-head size
            list.add(new Case(3, 2, 9, 12, 25, 4, 4, 0.125f, 3, aligned));
        }
        return list.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
    }

    private static void check(Case c) {
        SplittableRandom r = new SplittableRandom(c.toString().hashCode());
        float[] x = new float[c.n * c.c * c.h * c.w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        // boxes in image coordinates: the map covers [0, w/scale) × [0, h/scale); let some spill over by 20 %
        float imageW = c.w / c.scale;
        float imageH = c.h / c.scale;
        float[] rois5 = new float[c.rois * 5];
        float[] rois4 = new float[c.rois * 4];
        long[] batch = new long[c.rois];
        for (int i = 0; i < c.rois; i++) {
            batch[i] = r.nextInt(c.n);
            float x1 = (float) ((r.nextDouble() * 1.2 - 0.2) * imageW);
            float y1 = (float) ((r.nextDouble() * 1.2 - 0.2) * imageH);
            float bw = (float) (r.nextDouble() * (i % 4 == 0 ? 0.8 / c.scale : 0.6 * imageW));  // every 4th under a cell
            float bh = (float) (r.nextDouble() * (i % 4 == 0 ? 0.8 / c.scale : 0.6 * imageH));
            float[] box = {x1, y1, x1 + bw, y1 + bh};
            rois5[5 * i] = batch[i];
            System.arraycopy(box, 0, rois5, 5 * i + 1, 4);
            System.arraycopy(box, 0, rois4, 4 * i, 4);
        }
        Tensor ours = RoiAlign.roiAlign(Tensor.of(x, c.n, c.c, c.h, c.w), Tensor.of(rois5, c.rois, 5), c.outH, c.outW,
                c.scale, c.sampling, c.aligned);
        OnnxModel model = OnnxModel.node("RoiAlign").opset(16).input("X", c.n, c.c, c.h, c.w)
                .initializer("rois", rois4, c.rois, 4).initializerInt64("batch_indices", batch, c.rois)
                .attr("mode", "avg").attr("output_height", (long) c.outH).attr("output_width", (long) c.outW)
                .attr("sampling_ratio", (long) c.sampling).attr("spatial_scale", c.scale)
                .attr("coordinate_transformation_mode", c.aligned ? "half_pixel" : "output_half_pixel")
                .output("Y");
        OnnxOracleTest.assertMatches("RoiAlign", c.toString(), ours, model, OnnxOracle.feed("X", x, c.n, c.c, c.h, c.w));
        float[] a = ours.toArray();
        float[] b = OnnxOracle.run(model, OnnxOracle.feed("X", x, c.n, c.c, c.h, c.w)).data();
        double err = 0;
        boolean nonZero = false;
        for (int i = 0; i < a.length; i++) {
            err = Math.max(err, Math.abs(a[i] - b[i]));
            nonZero |= b[i] != 0;
        }
        assertTrue(nonZero, "ONNX Runtime returned all zeros: the case tests nothing");
        synchronized (OnnxRoiAlignOracleTest.class) {
            worst = Math.max(worst, err);
            cases++;
        }
    }

    /** The oracle tells the two coordinate conventions apart: aligned=true against output_half_pixel differs. */
    @org.junit.jupiter.api.Test
    void theOracleSeesTheAlignedFlag() {
        float[] x = new float[36];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 0.1f;
        }
        Tensor ours = RoiAlign.roiAlign(Tensor.of(x, 1, 1, 6, 6), Tensor.of(new float[] {0, 1.1f, 0.6f, 4.3f, 3.9f}, 1, 5),
                2, 2, 1f, 2, true);
        OnnxModel legacy = OnnxModel.node("RoiAlign").opset(16).input("X", 1, 1, 6, 6)
                .initializer("rois", new float[] {1.1f, 0.6f, 4.3f, 3.9f}, 1, 4)
                .initializerInt64("batch_indices", new long[] {0}, 1).attr("output_height", 2L).attr("output_width", 2L)
                .attr("sampling_ratio", 2L).attr("coordinate_transformation_mode", "output_half_pixel").output("Y");
        float[] a = ours.toArray();
        float[] b = OnnxOracle.run(legacy, OnnxOracle.feed("X", x, 1, 1, 6, 6)).data();
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        assertTrue(diff > 0.1, "half-pixel shift should move values on a ramp by ~0.35, moved " + diff);
    }

    @AfterAll
    static void printWorstError() {
        System.out.printf(Locale.ROOT, "RoiAlign vs ONNX Runtime %s: %d cases, worst |ours - ORT| = %.3e%n",
                OnnxOracle.version(), cases, worst);
    }
}
