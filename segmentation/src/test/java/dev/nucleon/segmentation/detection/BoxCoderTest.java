package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Device;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.reference.ReferenceBackend;
import dev.nucleon.core.testing.OpCheck;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BoxCoder}: encode and decode against a double-precision transcription of torchvision's {@code BoxCoder}
 * (forward, and gradients by finite differences through both deltas and reference boxes), on the CPU and the
 * reference backend; round trips; a hand-computed case; the ln(1000/16) clip.
 */
class BoxCoderTest {

    private static final float[] W = {10, 10, 5, 5};

    static float[] boxes(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] b = new float[4 * n];
        for (int i = 0; i < n; i++) {
            float x1 = (float) (r.nextDouble() * 50);
            float y1 = (float) (r.nextDouble() * 50);
            b[4 * i] = x1;
            b[4 * i + 1] = y1;
            b[4 * i + 2] = x1 + 1 + (float) (r.nextDouble() * 30);
            b[4 * i + 3] = y1 + 1 + (float) (r.nextDouble() * 30);
        }
        return b;
    }

    /** torchvision's decode_single in double: deltas (n, 4k), boxes (n, 4). */
    static double[] decode(double[] d, double[] a, double[] w, double clip) {
        int n = a.length / 4;
        int k = d.length / (4 * n);
        double[] out = new double[d.length];
        for (int i = 0; i < n; i++) {
            double aw = a[4 * i + 2] - a[4 * i];
            double ah = a[4 * i + 3] - a[4 * i + 1];
            double cx = a[4 * i] + 0.5 * aw;
            double cy = a[4 * i + 1] + 0.5 * ah;
            for (int j = 0; j < k; j++) {
                int o = 4 * (i * k + j);
                double px = d[o] / w[0] * aw + cx;
                double py = d[o + 1] / w[1] * ah + cy;
                double pw = Math.exp(Math.min(d[o + 2] / w[2], clip)) * aw;
                double ph = Math.exp(Math.min(d[o + 3] / w[3], clip)) * ah;
                out[o] = px - 0.5 * pw;
                out[o + 1] = py - 0.5 * ph;
                out[o + 2] = px + 0.5 * pw;
                out[o + 3] = py + 0.5 * ph;
            }
        }
        return out;
    }

    /** torchvision's encode_boxes in double. */
    static double[] encode(double[] g, double[] a, double[] w) {
        double[] out = new double[g.length];
        for (int i = 0; i < g.length / 4; i++) {
            double aw = a[4 * i + 2] - a[4 * i];
            double ah = a[4 * i + 3] - a[4 * i + 1];
            double gw = g[4 * i + 2] - g[4 * i];
            double gh = g[4 * i + 3] - g[4 * i + 1];
            out[4 * i] = w[0] * ((g[4 * i] + 0.5 * gw) - (a[4 * i] + 0.5 * aw)) / aw;
            out[4 * i + 1] = w[1] * ((g[4 * i + 1] + 0.5 * gh) - (a[4 * i + 1] + 0.5 * ah)) / ah;
            out[4 * i + 2] = w[2] * Math.log(gw / aw);
            out[4 * i + 3] = w[3] * Math.log(gh / ah);
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> decodeAndEncodeMatchTorchvisionWithGradients() {
        BoxCoder coder = new BoxCoder(W[0], W[1], W[2], W[3]);
        double[] w = {W[0], W[1], W[2], W[3]};
        double clip = BoxCoder.DEFAULT_CLIP;
        return Stream.of(new Device("cpu", 0), ReferenceBackend.DEVICE).flatMap(device -> Stream.of(
                OpCheck.of("box_coder", "decode, 1 box per reference, " + device).input("deltas", 6, 4).range(-3, 3)
                        .input("references", 6, 4).values(boxes(1, 6))
                        .op(t -> coder.decode(t[0], t[1]))
                        .reference(new int[] {6, 4}, x -> decode(x[0], x[1], w, clip)),
                OpCheck.of("box_coder", "decode, 3 classes per reference, " + device).input("deltas", 5, 12).range(-3, 3)
                        .input("references", 5, 4).values(boxes(2, 5))
                        .op(t -> coder.decode(t[0], t[1]))
                        .reference(new int[] {5, 12}, x -> decode(x[0], x[1], w, clip)),
                OpCheck.of("box_coder", "encode, " + device).input("targets", 7, 4).values(boxes(3, 7))
                        .input("references", 7, 4).values(boxes(4, 7))
                        .op(t -> coder.encode(t[0], t[1]))
                        .reference(new int[] {7, 4}, x -> encode(x[0], x[1], w)))
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> c.run(device))));
    }

    @Test
    void aHandComputedCase() {
        // anchor (0, 0, 10, 10): w = h = 10, centre (5, 5); target (1, 2, 13, 12): w 12, h 10, centre (7, 7)
        Tensor deltas = new BoxCoder(10, 10, 5, 5).encode(Tensor.of(new float[] {1, 2, 13, 12}, 1, 4),
                Tensor.of(new float[] {0, 0, 10, 10}, 1, 4));
        assertArrayEquals(new float[] {2f, 2f, (float) (5 * Math.log(1.2)), 0f}, deltas.toArray(), 1e-6f);
    }

    @Test
    void decodeInvertsEncode() {
        BoxCoder coder = new BoxCoder(1, 1, 1, 1);
        Tensor targets = Tensor.of(boxes(7, 40), 40, 4);
        Tensor anchors = Tensor.of(boxes(8, 40), 40, 4);
        assertArrayEquals(targets.toArray(), coder.decode(coder.encode(targets, anchors), anchors).toArray(), 1e-3f);
    }

    @Test
    void theLogScaleIsClippedAtLn1000Over16() {
        Tensor box = new BoxCoder(1, 1, 1, 1).decode(Tensor.of(new float[] {0, 0, 20, 20}, 1, 4),
                Tensor.of(new float[] {0, 0, 2, 2}, 1, 4));
        assertEquals(2 * 62.5f, box.get(0, 2) - box.get(0, 0), 1e-3f);            // 1000/16 times the width
        assertEquals(2 * 62.5f, box.get(0, 3) - box.get(0, 1), 1e-3f);
        Tensor d = Tensor.of(new float[] {0, 0, 20, 0}, 1, 4).requiresGrad(true);
        new BoxCoder(1, 1, 1, 1).decode(d, Tensor.of(new float[] {0, 0, 2, 2}, 1, 4)).sum().backward();
        assertEquals(0f, d.grad().get(0, 2), "no gradient through the clipped log-scale");
    }

    @Test
    void badShapesAreNamed() {
        BoxCoder coder = new BoxCoder(1, 1, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> coder.decode(Tensor.zeros(3, 6), Tensor.zeros(3, 4)));
        assertTrue(e.getMessage().contains("(N, 4·K)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> coder.encode(Tensor.zeros(3, 4), Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("references must be (3, 4)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BoxCoder(0, 1, 1, 1));
    }
}
