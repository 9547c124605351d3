package dev.nucleon.core.cpu.gemm;

import dev.nucleon.core.cpu.VectorSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Sgemm} against a double-precision triple loop, for both micro-kernels, all four transpose
 * combinations, overwrite and accumulate, non-zero offsets, padded leading dimensions, and sizes that
 * cross every blocking boundary (MR/NR edges, KC, MC, NC) and both thread-splitting paths.
 *
 * <p>Tolerance, stated once: every entry within {@link #TOLERANCE} × the output scale, the output scale
 * being the largest |reference entry| (at least 1). Inputs are uniform in [−1, 1].
 */
class SgemmTest {

    static final double TOLERANCE = 1e-4;

    /** (m, n, k), each chosen to hit a case; see the comments. */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 7, 1}, {7, 1, 33}, {7, 7, 7}, {5, 6, 0}, // degenerate and k = 0
            {8, 32, 256}, {6, 32, 256}, {4, 4, 4},                     // exactly one tile of each kernel
            {33, 130, 1}, {130, 33, 257}, {1, 257, 130}, {257, 1, 33}, // ragged edges
            {9, 33, 257},
            {193, 65, 100},                                            // m just past MC: two A blocks
            {385, 40, 20},                                             // three A blocks; m > n
            {12, 1025, 9}, {5, 2100, 3},                               // n past NC: two, three B blocks
            {40, 300, 513}, {9, 40, 1100},                             // k: two and three KC blocks
            {200, 300, 150},                                           // threaded, split over columns
            {600, 40, 400},                                            // threaded, split over rows
    };

    static Stream<Arguments> kernelsAndTransposes() {
        List<Arguments> args = new ArrayList<>();
        for (SgemmKernel kernel : kernels()) {
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    for (boolean accumulate : new boolean[] {false, true}) {
                        args.add(Arguments.of(kernel, transA, transB, accumulate));
                    }
                }
            }
        }
        return args.stream();
    }

    /** Every micro-kernel, explicitly (both vector tile shapes and the scalar fallback), in this one JVM. */
    static List<SgemmKernel> kernels() {
        return List.of(VectorSgemmKernel.EIGHT_ROWS, VectorSgemmKernel.SIX_ROWS, ScalarSgemmKernel.INSTANCE);
    }

    @Test
    void vectorApiIsAvailableInTests() {
        // the surefire argLine adds jdk.incubator.vector; without it the vector kernel would go untested
        assertTrue(VectorSupport.isAvailable(), VectorSupport.describe());
        assertEquals(VectorSgemmKernel.INSTANCE, SgemmKernel.preferred());
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2} accumulate={3}")
    @MethodSource("kernelsAndTransposes")
    void matchesNaiveProductOnEveryShape(SgemmKernel kernel, boolean transA, boolean transB, boolean accumulate) {
        Random random = new Random(31L * (transA ? 2 : 1) + (transB ? 7 : 0) + (accumulate ? 13 : 0));
        for (int[] shape : SHAPES) {
            int m = shape[0], n = shape[1], k = shape[2];
            // padded leading dimensions and offsets, so no code path can assume contiguity
            int lda = (transA ? m : k) + random.nextInt(3);
            int ldb = (transB ? k : n) + random.nextInt(3);
            int ldc = n + random.nextInt(3);
            Operand a = Operand.random(random, transA ? k : m, transA ? m : k, lda, 1 + random.nextInt(5));
            Operand b = Operand.random(random, transB ? n : k, transB ? k : n, ldb, 1 + random.nextInt(5));
            Operand c = accumulate
                    ? Operand.random(random, m, n, ldc, 1 + random.nextInt(5))
                    : Operand.filled(m, n, ldc, 1 + random.nextInt(5), Float.NaN); // must be overwritten, never read
            double[] expected = naive(transA, transB, m, n, k, a, b, accumulate ? c : null);
            Sgemm.multiply(kernel, transA, transB, m, n, k, a.data, a.offset, lda, b.data, b.offset, ldb,
                    c.data, c.offset, ldc, accumulate);
            c.assertEquals(expected, kernel + " " + (transA ? "Aᵀ" : "A") + (transB ? "Bᵀ" : "B") + " m=" + m + " n=" + n + " k=" + k);
        }
    }

    @ParameterizedTest(name = "transA={0} transB={1}")
    @MethodSource("transposes")
    void publicContiguousEntryPointWithOffsets(boolean transA, boolean transB) {
        Random random = new Random(5);
        int m = 70, n = 45, k = 300;
        Operand a = Operand.random(random, transA ? k : m, transA ? m : k, transA ? m : k, 3);
        Operand b = Operand.random(random, transB ? n : k, transB ? k : n, transB ? k : n, 7);
        Operand c = Operand.random(random, m, n, n, 11);
        double[] expected = naive(transA, transB, m, n, k, a, b, c);
        Sgemm.multiply(transA, transB, m, n, k, a.data, a.offset, b.data, b.offset, c.data, c.offset, true);
        c.assertEquals(expected, "accumulate");
        expected = naive(transA, transB, m, n, k, a, b, null);
        Sgemm.multiply(transA, transB, m, n, k, a.data, a.offset, b.data, b.offset, c.data, c.offset, false);
        c.assertEquals(expected, "overwrite");
    }

    static Stream<Arguments> transposes() {
        return Stream.of(Arguments.of(false, false), Arguments.of(false, true), Arguments.of(true, false), Arguments.of(true, true));
    }

    @Test
    void largeProductOnEveryThreadMatches() {
        // big enough that Parallel splits it whatever the thread count
        Random random = new Random(9);
        int m = 300, n = 520, k = 270;
        Operand a = Operand.random(random, m, k, k, 0);
        Operand b = Operand.random(random, k, n, n, 0);
        Operand c = Operand.filled(m, n, n, 0, Float.NaN);
        Sgemm.multiply(false, false, m, n, k, a.data, 0, b.data, 0, c.data, 0, false);
        c.assertEquals(naive(false, false, m, n, k, a, b, null), "300x520x270");
    }

    @Test
    void rejectsArraysTooSmallForTheShapesNamingThem() {
        float[] small = new float[10];
        float[] big = new float[100];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.multiply(false, false, 4, 5, 6, small, 0, big, 0, big, 0, false));
        assertTrue(e.getMessage().contains("sgemm(m=4, n=5, k=6): A stored 4x6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.multiply(false, true, 4, 5, 6, big, 0, big, 95, big, 0, false));
        assertTrue(e.getMessage().contains("B stored 5x6 (transposed)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Sgemm.multiply(false, false, 4, 5, 6, big, 0, 6, big, 0, 5, big, 0, 3, false));
        assertTrue(e.getMessage().contains("C stored 4x5 needs a leading dimension >= 5, got 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sgemm.multiply(false, false, -1, 5, 6, big, 0, big, 0, big, 0, false));
    }

    /** Reference: (c0 +) Σ_p op(A)[i][p]·op(B)[p][j] in double. */
    static double[] naive(boolean transA, boolean transB, int m, int n, int k, Operand a, Operand b, Operand c0) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = c0 == null ? 0 : c0.get(i, j);
                for (int p = 0; p < k; p++) {
                    sum += (double) (transA ? a.get(p, i) : a.get(i, p)) * (transB ? b.get(j, p) : b.get(p, j));
                }
                out[i * n + j] = sum;
            }
        }
        return out;
    }

    /** A rows × cols matrix stored at {@code data[offset + i·ld + j]}; every other element is a NaN sentinel. */
    record Operand(float[] data, int offset, int rows, int cols, int ld) {

        static Operand random(Random random, int rows, int cols, int ld, int offset) {
            Operand o = filled(rows, cols, ld, offset, Float.NaN);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    o.data[offset + i * ld + j] = random.nextFloat() * 2 - 1;
                }
            }
            return o;
        }

        static Operand filled(int rows, int cols, int ld, int offset, float value) {
            float[] data = new float[offset + rows * ld + 4];
            java.util.Arrays.fill(data, Float.NaN);
            for (int i = 0; i < rows; i++) {
                java.util.Arrays.fill(data, offset + i * ld, offset + i * ld + cols, value);
            }
            return new Operand(data, offset, rows, cols, ld);
        }

        float get(int i, int j) {
            return data[offset + i * ld + j];
        }

        /** Entries match {@code expected} (rows × cols, dense) within tolerance; the sentinels are untouched. */
        void assertEquals(double[] expected, String what) {
            double scale = 1;
            for (double e : expected) {
                scale = Math.max(scale, Math.abs(e));
            }
            double tolerance = TOLERANCE * scale;
            for (int idx = 0; idx < data.length; idx++) {
                int rel = idx - offset;
                int i = rel >= 0 ? rel / ld : -1;
                int j = rel >= 0 ? rel % ld : -1;
                boolean inside = rel >= 0 && i < rows && j < cols;
                if (!inside) {
                    if (!Float.isNaN(data[idx])) {
                        fail(what + ": wrote outside C at array index " + idx);
                    }
                    continue;
                }
                double diff = Math.abs(data[idx] - expected[i * cols + j]);
                if (!(diff <= tolerance)) {
                    fail(what + ": C[" + i + "][" + j + "] = " + data[idx] + ", expected " + expected[i * cols + j]
                            + " (tolerance " + tolerance + ")");
                }
            }
        }
    }
}
