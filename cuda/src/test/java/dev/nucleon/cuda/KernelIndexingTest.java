package dev.nucleon.cuda;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.PoolGeometry;
import dev.nucleon.core.backend.ReduceOp;
import dev.nucleon.core.Shape;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.UpsampleMode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Desk-checks, without a GPU, the index arithmetic of the memory-bound kernels: the tables the Java side
 * builds ({@link ShapeTables}, {@link ReductionOps#plan}, {@link PoolingOps#table}) are fed to Java
 * transcriptions of the kernels' index code ({@code offset_of}, {@code offsets_of} of common.cuh, the
 * gathers of pool.cu), and the results are compared with the CPU backend's. What this cannot check is
 * the CUDA code itself compiling to the same thing; {@code CudaVsCpuTest} does that on a GPU.
 */
class KernelIndexingTest {

    private static final Backend CPU = Backends.cpu();
    private final SplittableRandom random = new SplittableRandom(7);

    // ----- transcriptions of common.cuh -----

    /** offset_of(const Shape&, index). */
    static long offsetOf(int[] shape, long index) {
        int rank = shape[0];
        long offset = 0;
        for (int d = rank - 1; d > 0; d--) {
            offset += (index % shape[1 + d]) * shape[1 + ShapeTables.MAX_RANK + d];
            index /= shape[1 + d];
        }
        return rank > 0 ? offset + index * shape[1 + ShapeTables.MAX_RANK] : 0;
    }

    /** offsets_of(const Walk2&, index): {offset0, offset1}. */
    static long[] offsetsOf(int[] walk, long index) {
        int rank = walk[0];
        long o0 = 0;
        long o1 = 0;
        for (int d = rank - 1; d > 0; d--) {
            long i = index % walk[1 + d];
            index /= walk[1 + d];
            o0 += i * walk[1 + ShapeTables.MAX_RANK + d];
            o1 += i * walk[1 + 2 * ShapeTables.MAX_RANK + d];
        }
        if (rank > 0) {
            o0 += index * walk[1 + ShapeTables.MAX_RANK];
            o1 += index * walk[1 + 2 * ShapeTables.MAX_RANK];
        }
        return new long[] {o0, o1};
    }

    private float[] randoms(long n) {
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble(-2, 2);
        }
        return v;
    }

    private static float[] cpuResult(long n, java.util.function.Consumer<Storage> op) {
        Storage out = CPU.allocate(n);
        op.accept(out);
        float[] r = new float[(int) n];
        CPU.download(out, 0, r, 0, r.length);
        return r;
    }

    private static Storage up(float[] v) {
        return CPU.upload(v, 0, v.length);
    }

    // ----- tables -----

    @Test
    void coalescingDropsOnesAndMergesContiguousAxes() {
        ShapeTables.Dims d = ShapeTables.coalesce(new int[] {2, 3, 4, 5}, ShapeTables.contiguous(new int[] {2, 3, 4, 5}));
        assertArrayEquals(new int[] {120}, d.sizes());
        assertArrayEquals(new long[] {1}, d.strides()[0]);
        // (N, C, H, W) + (1, C, 1, 1): the bias axis stays alone, H and W merge
        int[] out = {2, 3, 4, 5};
        d = ShapeTables.coalesce(out, ShapeTables.contiguous(out), ShapeTables.broadcast(new int[] {1, 3, 1, 1}, out));
        assertArrayEquals(new int[] {2, 3, 20}, d.sizes(), d.toString());
        assertArrayEquals(new long[] {60, 20, 1}, d.strides()[0]);
        assertArrayEquals(new long[] {0, 1, 0}, d.strides()[1]);
        d = ShapeTables.coalesce(new int[] {1, 1}, new long[] {1, 1});
        assertEquals(0, d.rank());
        // rank 10 merges into 1, and a table is refused only when more than 8 axes remain
        int[] ten = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
        assertEquals(1, ShapeTables.coalesce(ten, ShapeTables.contiguous(ten)).rank());
        int[] perm = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayoutOps.permuteTable(ten, perm));
        assertTrue(e.getMessage().contains("10 axes remain") && e.getMessage().contains("at most 8"), e.getMessage());
    }

    @Test
    void shapeTableLayoutMatchesTheStruct() {
        int[] t = ShapeTables.shape("t", new int[] {3, 4}, new long[] {4, 1});
        assertEquals(ShapeTables.SHAPE_INTS, t.length);
        assertEquals(2, t[0]);
        assertEquals(3, t[1]);
        assertEquals(4, t[2]);
        assertEquals(4, t[9]);
        assertEquals(1, t[10]);
        assertThrows(IllegalArgumentException.class, () -> ShapeTables.shape("t", new int[] {2}, new long[] {1L << 31}));
        assertEquals(13, PoolingOps.table(PoolGeometry.of(new int[] {1, 2, 5, 5}, 2, 2, 0, true)).length);
    }

    // ----- elementwise and layout -----

    @Test
    void broadcastWalkMatchesTheCpu() {
        int[][][] cases = {
            {{2, 3, 4}, {2, 1, 4}, {2, 3, 4}},
            {{1, 3, 1}, {5, 1, 7}, {5, 3, 7}},
            {{4, 1, 3, 1, 2}, {1, 6, 1, 5, 1}, {4, 6, 3, 5, 2}},
            {{1}, {9}, {9}},
            {{2, 3, 1, 1, 1, 1, 1, 2, 2, 3}, {1, 3, 1, 1, 1, 1, 1, 1, 2, 1}, {2, 3, 1, 1, 1, 1, 1, 2, 2, 3}},
        };
        for (int[][] c : cases) {
            float[] a = randoms(Shape.numel(c[0]));
            float[] b = randoms(Shape.numel(c[1]));
            long n = Shape.numel(c[2]);
            float[] expected = cpuResult(n, out -> CPU.binary(BinaryOp.SUB, up(a), c[0], up(b), c[1], out, c[2]));
            int[] walk = ShapeTables.walk2("binary", ShapeTables.coalesce(c[2],
                    ShapeTables.broadcast(c[0], c[2]), ShapeTables.broadcast(c[1], c[2])));
            float[] got = new float[(int) n];
            for (int i = 0; i < n; i++) {
                long[] o = offsetsOf(walk, i);
                got[i] = a[(int) o[0]] - b[(int) o[1]];
            }
            assertArrayEquals(expected, got, Arrays.deepToString(c));
        }
    }

    @Test
    void permuteTableMatchesTheCpu() {
        int[][][] cases = {{{2, 3, 4}, {2, 0, 1}}, {{5, 1, 7, 3}, {3, 1, 0, 2}}, {{2, 3, 4, 5}, {0, 2, 3, 1}},
            {{4, 6}, {0, 1}}, {{3, 2, 2, 2, 2, 2, 2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 8, 7}}};
        for (int[][] c : cases) {
            float[] x = randoms(Shape.numel(c[0]));
            float[] expected = cpuResult(x.length, y -> CPU.permute(up(x), c[0], c[1], y));
            int[] table = LayoutOps.permuteTable(c[0], c[1]);
            float[] got = new float[x.length];
            for (int i = 0; i < got.length; i++) {
                got[i] = x[(int) offsetOf(table, i)];
            }
            assertArrayEquals(expected, got, Arrays.deepToString(c));
        }
    }

    @Test
    void copyRegionWalkMatchesTheCpu() {
        // {srcShape, srcStart, dstShape, dstStart, region}
        int[][][] cases = {
            {{4, 5, 6}, {1, 2, 0}, {3, 4, 8}, {0, 1, 2}, {2, 3, 6}},
            {{2, 3, 4, 5}, {0, 0, 0, 0}, {2, 7, 4, 5}, {0, 3, 0, 0}, {2, 3, 4, 5}}, // concatenation along axis 1
            {{1, 1, 9, 9}, {0, 0, 1, 1}, {1, 1, 7, 7}, {0, 0, 0, 0}, {1, 1, 7, 7}}, // crop
        };
        for (boolean accumulate : new boolean[] {false, true}) {
            for (int[][] c : cases) {
                float[] src = randoms(Shape.numel(c[0]));
                float[] dst0 = randoms(Shape.numel(c[2]));
                float[] expected = cpuResult(dst0.length, dst -> {
                    CPU.copy(up(dst0), dst);
                    CPU.copyRegion(up(src), c[0], c[1], dst, c[2], c[3], c[4], accumulate);
                });
                long[] ss = ShapeTables.contiguous(c[0]);
                long[] ds = ShapeTables.contiguous(c[2]);
                long srcBase = 0;
                long dstBase = 0;
                for (int d = 0; d < ss.length; d++) {
                    srcBase += c[1][d] * ss[d];
                    dstBase += c[3][d] * ds[d];
                }
                int[] box = ShapeTables.walk2("copyRegion", ShapeTables.coalesce(c[4], ss, ds));
                float[] got = dst0.clone();
                for (long i = 0; i < Shape.numel(c[4]); i++) {
                    long[] o = offsetsOf(box, i);
                    float v = src[(int) (srcBase + o[0])];
                    int d = (int) (dstBase + o[1]);
                    got[d] = accumulate ? got[d] + v : v;
                }
                assertArrayEquals(expected, got, Arrays.deepToString(c));
            }
        }
    }

    // ----- reductions -----

    @Test
    void reducePlansCoverEveryElementOnce() {
        int[][][] cases = {
            {{4, 5, 6}, {1, 1, 1}}, {{4, 5, 6}, {4, 1, 6}}, {{4, 5, 6}, {4, 5, 1}}, {{4, 5, 6}, {1, 5, 6}},
            {{3, 4, 5, 6}, {1, 4, 1, 1}}, {{2, 3}, {2, 3}}, {{7}, {1}}, {{}, {}}, {{3, 1, 4}, {1, 1, 4}},
            {{2, 40_000}, {2, 1}}, {{50_000, 3}, {1, 3}}, {{8, 3, 64, 64}, {1, 3, 1, 1}},
        };
        for (ReduceOp op : ReduceOp.values()) {
            for (int[][] c : cases) {
                float[] x = randoms(Shape.numel(c[0]));
                long outputs = Shape.numel(c[1]);
                float[] expected = cpuResult(outputs, out -> CPU.reduce(op, up(x), c[0], out, c[1]));
                ReductionOps.ReducePlan p = ReductionOps.plan(op, c[0], c[1]);
                assertEquals(outputs, p.outputs());
                assertEquals(x.length / outputs, p.count());
                float[] got = new float[(int) outputs];
                for (int o = 0; o < outputs; o++) {
                    double acc = op == ReduceOp.SUM ? 0 : Double.NEGATIVE_INFINITY;
                    long base = offsetOf(p.kept(), o);
                    for (long r = 0; r < p.count(); r++) {
                        float v = x[(int) (base + offsetOf(p.reduced(), r))];
                        acc = op == ReduceOp.SUM ? acc + v : Math.max(acc, v);
                    }
                    got[o] = (float) acc;
                }
                assertArrayEquals(expected, got, 1e-5f, op + " " + Arrays.deepToString(c));
            }
        }
        assertTrue(ReductionOps.plan(ReduceOp.SUM, new int[] {4, 5, 6}, new int[] {4, 5, 1}).rows());
        assertFalse(ReductionOps.plan(ReduceOp.SUM, new int[] {4, 5, 6}, new int[] {1, 5, 6}).rows());
        ReductionOps.ReducePlan full = ReductionOps.plan(ReduceOp.SUM, new int[] {1000, 1000}, new int[] {1, 1});
        assertTrue(full.rows() && full.chunks() > 1 && full.chunks() <= ReductionOps.SPLIT_TARGET_BLOCKS, full.toString());
        assertEquals(1, ReductionOps.plan(ReduceOp.SUM, new int[] {4096, 100}, new int[] {4096, 1}).chunks());
    }

    // ----- pooling gathers: Java transcriptions of pool.cu's backward kernels against the CPU's scatter -----

    /** covering_windows: {first, last}. */
    private static int[] coveringWindows(int pos, int kernel, int stride, int pad, int outs) {
        int lowest = pos + pad - kernel + 1;
        int first = lowest <= 0 ? 0 : (lowest + stride - 1) / stride;
        return new int[] {first, Math.min(outs - 1, (pos + pad) / stride)};
    }

    private static int windowArgmax(PoolGeometry g, float[] x, int base, int i, int j) {
        int h0 = Math.max(0, i * g.strideH() - g.padH());
        int h1 = Math.min(g.height(), i * g.strideH() - g.padH() + g.kernelH());
        int w0 = Math.max(0, j * g.strideW() - g.padW());
        int w1 = Math.min(g.width(), j * g.strideW() - g.padW() + g.kernelW());
        int best = h0 * g.width() + w0;
        float max = Float.NEGATIVE_INFINITY;
        for (int h = h0; h < h1; h++) {
            for (int w = w0; w < w1; w++) {
                float v = x[base + h * g.width() + w];
                if (!(v <= max)) {
                    max = v;
                    best = h * g.width() + w;
                    if (v != v) {
                        return best;
                    }
                }
            }
        }
        return best;
    }

    private static int divisor(PoolGeometry g, int i, int j) {
        int hs = i * g.strideH() - g.padH();
        int ws = j * g.strideW() - g.padW();
        int he = Math.min(hs + g.kernelH(), g.height() + g.padH());
        int we = Math.min(ws + g.kernelW(), g.width() + g.padW());
        int poolSize = (he - hs) * (we - ws);
        hs = Math.max(hs, 0);
        ws = Math.max(ws, 0);
        he = Math.min(he, g.height());
        we = Math.min(we, g.width());
        return g.countIncludePad() ? poolSize : (he - hs) * (we - ws);
    }

    @Test
    void poolingGathersEqualTheCpuScatterExactly() {
        PoolGeometry[] geometries = {
            PoolGeometry.of(new int[] {2, 3, 8, 8}, 2, 2, 0, true),
            PoolGeometry.of(new int[] {1, 2, 7, 9}, 3, 2, 1, true),
            PoolGeometry.of(new int[] {1, 2, 7, 9}, 3, 2, 1, false),
            PoolGeometry.of(new int[] {2, 1, 6, 5}, 3, 1, 1, false),
            new PoolGeometry(1, 2, 9, 6, 4, 2, 3, 1, 2, 1, true),
            PoolGeometry.of(new int[] {1, 1, 5, 5}, 2, 2, 0, true), // last row/column in no window
        };
        for (PoolGeometry g : geometries) {
            int inSize = g.n() * g.channels() * g.height() * g.width();
            int oh = g.outHeight();
            int ow = g.outWidth();
            int outSize = g.n() * g.channels() * oh * ow;
            float[] x = randoms(inSize);
            for (int k = 0; k < x.length; k += 5) {
                x[k] = x[(k * 7) % x.length]; // ties, so "first maximum" matters
            }
            float[] gy = randoms(outSize);
            float[] maxExpected = cpuResult(inSize, gx -> CPU.maxPool2dBackward(g, up(x), up(gy), gx));
            float[] avgExpected = cpuResult(inSize, gx -> CPU.avgPool2dBackward(g, up(gy), gx));
            float[] maxGot = new float[inSize];
            float[] avgGot = new float[inSize];
            for (int e = 0; e < inSize; e++) {
                int w = e % g.width();
                int h = e / g.width() % g.height();
                int p = e / (g.height() * g.width());
                int[] is = coveringWindows(h, g.kernelH(), g.strideH(), g.padH(), oh);
                int[] js = coveringWindows(w, g.kernelW(), g.strideW(), g.padW(), ow);
                float maxSum = 0f;
                float avgSum = 0f;
                for (int i = is[0]; i <= is[1]; i++) {
                    for (int j = js[0]; j <= js[1]; j++) {
                        float gv = gy[p * oh * ow + i * ow + j];
                        if (windowArgmax(g, x, p * g.height() * g.width(), i, j) == h * g.width() + w) {
                            maxSum += gv;
                        }
                        avgSum += gv / divisor(g, i, j);
                    }
                }
                maxGot[e] = maxSum;
                avgGot[e] = avgSum;
            }
            assertArrayEquals(maxExpected, maxGot, "max " + g);
            assertArrayEquals(avgExpected, avgGot, "avg " + g);
        }
    }

    /** source_index of pool.cu: {lo, hi} and lambda. */
    private static float sourceIndex(UpsampleMode mode, int d, int factor, int size, int[] loHi) {
        if (mode == UpsampleMode.NEAREST) {
            loHi[0] = loHi[1] = d / factor;
            return 0f;
        }
        float s = Math.max(0f, ((float) d + 0.5f) / (float) factor - 0.5f);
        loHi[0] = Math.min((int) s, size - 1);
        loHi[1] = Math.min(loHi[0] + 1, size - 1);
        return s - loHi[0];
    }

    @Test
    void upsampleGatherEqualsTheCpuScatterExactly() {
        int[][] sizes = {{2, 3, 4, 5, 2}, {1, 2, 1, 3, 3}, {1, 1, 7, 6, 4}, {1, 2, 3, 3, 1}, {1, 1, 5, 2, 5}};
        for (UpsampleMode mode : UpsampleMode.values()) {
            for (int[] s : sizes) {
                int n = s[0];
                int c = s[1];
                int h = s[2];
                int w = s[3];
                int f = s[4];
                int bh = h * f;
                int bw = w * f;
                float[] gy = randoms((long) n * c * bh * bw);
                int small = n * c * h * w;
                float[] expected = cpuResult(small, gx -> CPU.upsampleBackward(mode, n, c, h, w, f, up(gy), gx));
                float[] got = new float[small];
                int[] rows = new int[2];
                int[] cols = new int[2];
                for (int e = 0; e < small; e++) {
                    int x = e % w;
                    int y = e / w % h;
                    int base = e / (h * w) * bh * bw;
                    float sum = 0f;
                    // the bilinear candidate range; for nearest it is a superset of the block, tested the same way
                    for (int i = Math.max(0, (y - 1) * f); i < Math.min(bh, (y + 2) * f); i++) {
                        float ly = sourceIndex(mode, i, f, h, rows);
                        if (rows[0] != y && rows[1] != y) {
                            continue;
                        }
                        for (int j = Math.max(0, (x - 1) * f); j < Math.min(bw, (x + 2) * f); j++) {
                            float lx = sourceIndex(mode, j, f, w, cols);
                            if (cols[0] != x && cols[1] != x) {
                                continue;
                            }
                            float g = gy[base + i * bw + j];
                            if (mode == UpsampleMode.NEAREST) {
                                sum += g;
                                continue;
                            }
                            if (rows[0] == y && cols[0] == x) sum += (1 - ly) * (1 - lx) * g;
                            if (rows[0] == y && cols[1] == x) sum += (1 - ly) * lx * g;
                            if (rows[1] == y && cols[0] == x) sum += ly * (1 - lx) * g;
                            if (rows[1] == y && cols[1] == x) sum += ly * lx * g;
                        }
                    }
                    got[e] = sum;
                }
                assertArrayEquals(expected, got, mode + " " + Arrays.toString(s));
            }
        }
    }
}
