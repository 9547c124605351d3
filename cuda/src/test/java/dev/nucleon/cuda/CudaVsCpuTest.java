package dev.nucleon.cuda;

import dev.nucleon.core.backend.AdamStep;
import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.PoolGeometry;
import dev.nucleon.core.backend.ReduceOp;
import dev.nucleon.core.backend.SgdStep;
import dev.nucleon.core.Shape;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.UpsampleMode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The memory-bound CUDA kernels (elementwise binaries, reductions, softmax, nll, layout, pooling,
 * upsampling, fused optimizer steps) against the CPU backend, op by op, on random inputs; the tolerance is
 * {@link CudaVsCpu#TOLERANCE}. Shapes include sizes above one block (256 threads), above one
 * grid-stride sweep where cheap, odd and prime sizes, size-1 axes and broadcasts.
 */
@RequiresCuda
class CudaVsCpuTest {

    private final CudaVsCpu t = new CudaVsCpu(2024);

    private static int[] s(int... shape) {
        return shape;
    }

    private static long n(int[] shape) {
        return Shape.numel(shape);
    }

    // ----- elementwise binaries -----

    /** Operands suited to the op: probabilities and labels for BCE, a divisor away from 0 for DIV. */
    private float[][] operands(BinaryOp op, int[] aShape, int[] bShape) {
        return switch (op) {
            case BCE, BCE_GRAD -> {
                float[] a = t.uniform(n(aShape), 0, 1);
                a[0] = 0f; // the clamp's edges
                if (a.length > 2) {
                    a[1] = 1f;
                    a[2] = 5e-8f;
                }
                yield new float[][] {a, t.uniform(n(bShape), 0, 1)};
            }
            case DIV -> {
                float[] b = t.uniform(n(bShape), 0.5, 3);
                for (int i = 0; i < b.length; i += 2) {
                    b[i] = -b[i];
                }
                yield new float[][] {t.uniform(n(aShape), -3, 3), b};
            }
            case EQ -> new float[][] {t.coarse(n(aShape), 4), t.coarse(n(bShape), 4)};
            case BCE_LOGITS, BCE_LOGITS_GRAD -> new float[][] {t.uniform(n(aShape), -30, 30), t.uniform(n(bShape), 0, 1)};
            default -> new float[][] {t.uniform(n(aShape), -3, 3), t.uniform(n(bShape), -3, 3)};
        };
    }

    @Test
    void binaryOpsSameShapeAndBroadcast() {
        int[][][] cases = {
            {s(100_003), s(100_003), s(100_003)},           // fast path, odd size, many blocks
            {s(37, 1, 129), s(1, 65, 129), s(37, 65, 129)},   // both operands broadcast
            {s(8, 16, 33, 31), s(1, 16, 1, 1), s(8, 16, 33, 31)}, // a per-channel bias
            {s(5, 3, 1), s(1, 1, 1), s(5, 3, 1)},             // a scalar
            {s(1), s(7), s(7)},
            {s(2, 3, 1, 2, 1, 2, 1, 2, 3), s(2, 1, 1, 2, 1, 2, 1, 2, 1), s(2, 3, 1, 2, 1, 2, 1, 2, 3)}, // rank 9, merges
        };
        for (BinaryOp op : BinaryOp.values()) {
            for (int[][] c : cases) {
                float[][] in = operands(op, c[0], c[1]);
                t.check("binary " + op + " " + Arrays.deepToString(c), in, n(c[2]),
                        (b, x, out) -> b.binary(op, x[0], c[0], x[1], c[1], out[0], c[2]));
            }
        }
    }

    // ----- reductions -----

    @Test
    void reduceSumAndMaxOverAnyAxes() {
        int[][][] cases = {
            {s(1_000_003), s(1)},                      // full reduction, split over many blocks
            {s(64, 3, 67, 65), s(1, 3, 1, 1)},          // per-channel (batch-norm style), split
            {s(33, 1000), s(33, 1)},                    // rows
            {s(3000, 17), s(1, 17)},                    // columns
            {s(5, 6, 7), s(5, 1, 7)},                   // a middle axis
            {s(5, 6, 7), s(5, 6, 7)},                   // nothing reduced
            {s(4, 1, 300), s(1, 1, 1)},
            {s(2, 3, 4, 5, 6), s(2, 1, 4, 1, 6)},       // alternating kept / reduced
        };
        for (ReduceOp op : ReduceOp.values()) {
            for (int[][] c : cases) {
                float[] x = t.uniform(n(c[0]), -1, 1);
                t.check("reduce " + op + " " + Arrays.deepToString(c), new float[][] {x}, n(c[1]),
                        (b, in, out) -> b.reduce(op, in[0], c[0], out[0], c[1]));
            }
        }
        float[] withNaN = t.uniform(1000, -1, 1);
        withNaN[517] = Float.NaN;
        t.check("reduce MAX with a NaN", new float[][] {withNaN}, 1, (b, in, out) -> b.reduce(ReduceOp.MAX, in[0], s(1000), out[0], s(1)));
    }

    @Test
    void softmaxAndLogSoftmaxForwardAndBackward() {
        int[][] cases = {{7, 1000, 1}, {300, 10, 1}, {4, 21, 4097}, {1, 5, 1}, {3, 2000, 3}, {2, 1, 9}};
        for (boolean log : new boolean[] {false, true}) {
            for (int[] c : cases) {
                int outer = c[0];
                int dim = c[1];
                int inner = c[2];
                long size = (long) outer * dim * inner;
                String name = (log ? "log-softmax " : "softmax ") + Arrays.toString(c);
                float[] x = t.uniform(size, -8, 8);
                t.check(name, new float[][] {x}, size, (b, in, out) -> b.softmax(in[0], out[0], outer, dim, inner, log));
                // the backward takes the forward's output: the CPU's, so both backends start from the same y
                float[] y = new float[(int) size];
                Storage ys = t.cpu.allocate(size);
                t.cpu.softmax(t.cpu.upload(x, 0, x.length), ys, outer, dim, inner, log);
                t.cpu.download(ys, 0, y, 0, y.length);
                float[] gy = t.uniform(size, -1, 1);
                t.check(name + " backward", new float[][] {y, gy}, size,
                        (b, in, out) -> b.softmaxBackward(in[0], in[1], out[0], outer, dim, inner, log));
            }
        }
    }

    private float[] targets(int outer, int classes, int inner) {
        float[] target = new float[outer * inner];
        for (int i = 0; i < target.length; i++) {
            target[i] = t.random.nextInt(classes);
        }
        return target;
    }

    @Test
    void nllLossForwardAndBackward() {
        int[][] cases = {{300, 10, 1}, {4, 5, 1089}, {1, 3, 1}, {2, 21, 257}};
        for (int[] c : cases) {
            int outer = c[0];
            int classes = c[1];
            int inner = c[2];
            float[] logp = t.uniform((long) outer * classes * inner, -5, 0);
            float[] target = targets(outer, classes, inner);
            float[] gLoss = t.uniform((long) outer * inner, -1, 1);
            t.check("nll " + Arrays.toString(c), new float[][] {logp, target}, (long) outer * inner,
                    (b, in, out) -> b.nllLoss(in[0], in[1], out[0], outer, classes, inner));
            t.check("nll backward " + Arrays.toString(c), new float[][] {target, gLoss}, logp.length,
                    (b, in, out) -> b.nllLossBackward(in[0], in[1], out[0], outer, classes, inner));
        }
    }

    @Test
    void nllLossRejectsTheSameTargetsWithTheSameMessage() {
        int outer = 3;
        int classes = 4;
        int inner = 50;
        for (float bad : new float[] {4f, -1f, 1.5f, Float.NaN}) {
            float[] target = targets(outer, classes, inner);
            target[2 * inner + 17] = bad;
            target[2 * inner + 30] = 7f; // a later one: the message must name the first
            float[] logp = t.uniform((long) outer * classes * inner, -5, 0);
            float[] gLoss = t.uniform((long) outer * inner, -1, 1);
            for (boolean backward : new boolean[] {false, true}) {
                String[] messages = new String[2];
                Backend[] both = {t.cpu, t.cuda};
                for (int k = 0; k < 2; k++) {
                    Backend b = both[k];
                    Storage tg = b.upload(target, 0, target.length);
                    Storage out = b.allocate(backward ? logp.length : (long) outer * inner);
                    Storage other = backward ? b.upload(gLoss, 0, gLoss.length) : b.upload(logp, 0, logp.length);
                    messages[k] = assertThrows(IllegalArgumentException.class, () -> {
                        if (backward) {
                            b.nllLossBackward(tg, other, out, outer, classes, inner);
                        } else {
                            b.nllLoss(other, tg, out, outer, classes, inner);
                        }
                    }).getMessage();
                }
                assertEquals(messages[0], messages[1], "target " + bad + (backward ? " (backward)" : ""));
            }
        }
    }

    // ----- layout -----

    @Test
    void permuteAnyRankUpToEight() {
        int[][][] cases = {
            {s(64, 129, 33), s(2, 0, 1)},
            {s(3, 4, 5, 6), s(0, 2, 3, 1)},  // NCHW → NHWC
            {s(3, 4, 5, 6), s(0, 3, 1, 2)},  // NHWC → NCHW
            {s(2, 3, 2, 3, 2, 3, 2, 3), s(7, 6, 5, 4, 3, 2, 1, 0)},
            {s(17, 1, 5), s(1, 2, 0)},
            {s(9), s(0)},
        };
        for (int[][] c : cases) {
            float[] x = t.uniform(n(c[0]), -1, 1);
            t.check("permute " + Arrays.deepToString(c), new float[][] {x}, x.length,
                    (b, in, out) -> b.permute(in[0], c[0], c[1], out[0]));
        }
    }

    @Test
    void copyRegionCopiesAndAccumulates() {
        // {srcShape, srcStart, dstShape, dstStart, region}
        int[][][] cases = {
            {s(4, 5, 6), s(1, 2, 0), s(3, 4, 8), s(0, 1, 2), s(2, 3, 6)},
            {s(2, 16, 33, 35), s(0, 0, 0, 0), s(2, 40, 33, 35), s(0, 24, 0, 0), s(2, 16, 33, 35)}, // concatenation
            {s(1, 3, 130, 129), s(0, 0, 1, 2), s(1, 3, 128, 125), s(0, 0, 0, 0), s(1, 3, 128, 125)}, // crop
            {s(2, 3, 5, 5), s(0, 0, 0, 0), s(2, 3, 7, 9), s(0, 0, 1, 2), s(2, 3, 5, 5)},          // pad
            {s(2, 1, 2, 1, 2, 1, 2, 1, 2), s(0, 0, 0, 0, 0, 0, 0, 0, 1), s(2, 1, 2, 1, 2, 1, 2, 1, 2),
                s(0, 0, 0, 0, 0, 0, 0, 0, 0), s(2, 1, 2, 1, 2, 1, 2, 1, 1)},                        // rank 9
        };
        for (boolean accumulate : new boolean[] {false, true}) {
            for (int[][] c : cases) {
                float[] src = t.uniform(n(c[0]), -1, 1);
                float[] dst = t.uniform(n(c[2]), -1, 1);
                t.check("copyRegion " + (accumulate ? "+= " : "") + Arrays.deepToString(c), new float[][] {src, dst}, dst.length,
                        (b, in, out) -> {
                            b.copy(in[1], out[0]);
                            b.copyRegion(in[0], c[0], c[1], out[0], c[2], c[3], c[4], accumulate);
                        });
            }
        }
    }

    // ----- pooling and upsampling -----

    @Test
    void maxAndAveragePoolingForwardAndBackward() {
        PoolGeometry[] geometries = {
            PoolGeometry.of(s(4, 16, 67, 65), 2, 2, 0, true),
            PoolGeometry.of(s(2, 8, 33, 31), 3, 2, 1, true),
            PoolGeometry.of(s(2, 8, 33, 31), 3, 2, 1, false),
            PoolGeometry.of(s(1, 5, 17, 19), 3, 1, 1, false),
            new PoolGeometry(2, 3, 21, 14, 4, 2, 3, 1, 2, 1, true),
            PoolGeometry.of(s(1, 1, 5, 5), 2, 2, 0, true),
        };
        for (PoolGeometry g : geometries) {
            long in = (long) g.n() * g.channels() * g.height() * g.width();
            long out = (long) g.n() * g.channels() * g.outHeight() * g.outWidth();
            float[] x = t.coarse(in, 5); // ties: the first maximum must win on both
            float[] gy = t.uniform(out, -1, 1);
            t.check("max pool " + g, new float[][] {x}, out, (b, i, o) -> b.maxPool2d(g, i[0], o[0]));
            t.check("max pool backward " + g, new float[][] {x, gy}, in, (b, i, o) -> b.maxPool2dBackward(g, i[0], i[1], o[0]));
            float[] xs = t.uniform(in, -1, 1);
            t.check("avg pool " + g, new float[][] {xs}, out, (b, i, o) -> b.avgPool2d(g, i[0], o[0]));
            t.check("avg pool backward " + g, new float[][] {gy}, in, (b, i, o) -> b.avgPool2dBackward(g, i[0], o[0]));
        }
    }

    @Test
    void upsampleNearestAndBilinearForwardAndBackward() {
        int[][] cases = {{2, 8, 33, 17, 2}, {1, 3, 1, 5, 4}, {2, 4, 19, 23, 3}, {1, 2, 6, 6, 1}};
        for (UpsampleMode mode : UpsampleMode.values()) {
            for (int[] c : cases) {
                int n = c[0];
                int ch = c[1];
                int h = c[2];
                int w = c[3];
                int f = c[4];
                long small = (long) n * ch * h * w;
                long big = small * f * f;
                String name = "upsample " + mode + " " + Arrays.toString(c);
                t.check(name, new float[][] {t.uniform(small, -1, 1)}, big,
                        (b, i, o) -> b.upsample(mode, n, ch, h, w, f, i[0], o[0]));
                t.check(name + " backward", new float[][] {t.uniform(big, -1, 1)}, small,
                        (b, i, o) -> b.upsampleBackward(mode, n, ch, h, w, f, i[0], o[0]));
            }
        }
    }

    // ----- fused optimizer steps -----

    @Test
    void fusedAdamAndSgdSteps() {
        int n = 100_003;
        float[] theta = t.uniform(n, -1, 1);
        float[] grad = t.uniform(n, -1, 1);
        float[] m = t.uniform(n, -0.1, 0.1);
        float[] v = t.uniform(n, 0, 0.01);
        AdamStep[] adams = {AdamStep.of(0.001, 0.9, 0.999, 1e-7, 0, false, 1), AdamStep.of(0.01, 0.8, 0.99, 1e-8, 0.1, false, 7),
            AdamStep.of(0.01, 0.9, 0.999, 1e-7, 0.004, true, 100)};
        for (AdamStep step : adams) {
            t.check("adam " + step, new float[][] {theta, grad, m, v}, new long[] {n, n, n}, (b, in, out) -> {
                b.copy(in[0], out[0]);
                b.copy(in[2], out[1]);
                b.copy(in[3], out[2]);
                b.adamUpdate(out[0], in[1], out[1], out[2], step);
            });
        }
        SgdStep[] sgds = {SgdStep.of(0.1, 0, 0, 0, false, true), SgdStep.of(0.1, 0.9, 0, 0.01, false, true),
            SgdStep.of(0.1, 0.9, 0.1, 0.01, false, false), SgdStep.of(0.05, 0.9, 0, 0.01, true, false)};
        for (SgdStep step : sgds) {
            t.check("sgd " + step, new float[][] {theta, grad, m}, new long[] {n, n}, (b, in, out) -> {
                b.copy(in[0], out[0]);
                b.copy(in[2], out[1]);
                b.sgdUpdate(out[0], in[1], step.momentum() != 0f ? out[1] : null, step);
            });
        }
    }
}
