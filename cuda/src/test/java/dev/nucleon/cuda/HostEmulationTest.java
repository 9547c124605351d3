package dev.nucleon.cuda;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.RandomDistribution;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.UnaryOp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs {@code src/test/cuda/emulate.sh}: the real kernel sources compiled for the host (a block emulated by
 * threads and a barrier) and compared with naive double loops — gemm (also launched in row slices), conv and
 * batch norm (also a channel whose sums cancel), and layout (permute, copy_region), reduce (rows, split rows,
 * columns) and pool (max and average, forward and backward); elementwise (every unary op forward and backward,
 * every binary op, a broadcast, the seeded random fills) prints its outputs, which are compared here with the
 * CPU backend's on the same inputs. It checks
 * index arithmetic and edge guards without a GPU; it is no substitute for running on one. Skipped where
 * g++ is missing.
 */
class HostEmulationTest {

    @Test
    void computeKernelsMatchNaiveLoopsOnTheHost() throws IOException, InterruptedException {
        assumeTrue(onPath("g++"), "g++ not found: the host emulation of the kernels needs it");
        Process p = new ProcessBuilder("bash", Path.of("src/test/cuda/emulate.sh").toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "emulation did not finish");
        assertEquals(0, p.exitValue(), output);
        // two programs, each ending with "N checks, 0 failures"
        assertEquals(2, output.split(" checks, 0 failures", -1).length - 1, output);
        assertTrue(!output.contains("FAIL"), output);
        assertTrue(output.contains("elementwise: 53 lines printed"), output);
        assertEquals(53, compareElementwiseWithTheCpu(output), "lines compared");
    }

    private static final int N = 64;

    /**
     * Each line the elementwise emulator printed (see emulate_elementwise.cpp) against the CPU backend on the same
     * inputs: |emulated − cpu| ≤ CudaVsCpu.TOLERANCE · max(1, |cpu|), NaN meets NaN. Returns the lines compared.
     */
    private static int compareElementwiseWithTheCpu(String output) {
        Backend cpu = Backends.cpu();
        float[] x = new float[N];
        float[] gy = new float[N];
        float[] b = new float[N];
        float[] probabilities = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = -3f + 6f * i / (N - 1);
            gy[i] = 1f - (float) i / N;
            b[i] = 0.05f + (float) i / N;
            probabilities[i] = (i + 0.5f) / N;
        }
        int compared = 0;
        for (String line : output.split("\n")) {
            String[] f = line.trim().split(" ");
            String what = f[0] + " " + (f.length > 1 ? f[1] : "");
            float[] expected;
            float[] got;
            switch (f[0]) {
                case "unary", "unary_backward" -> {
                    UnaryOp op = UnaryOp.values()[Integer.parseInt(f[1])];
                    float p1 = Float.parseFloat(f[2]);
                    float p2 = Float.parseFloat(f[3]);
                    got = bits(f, 4);
                    what = f[0] + " " + op + " " + p1 + " " + p2;
                    Storage y = cpu.allocate(N);
                    cpu.unary(op, p1, p2, cpu.upload(x, 0, N), y);
                    if (f[0].equals("unary")) {
                        expected = download(cpu, y);
                    } else {
                        // the backward reads y: the emulated forward's, printed on the line before
                        Storage gx = cpu.allocate(N);
                        float[] emulatedY = lastForward;
                        cpu.unaryBackward(op, p1, p2, cpu.upload(x, 0, N), cpu.upload(emulatedY, 0, N), cpu.upload(gy, 0, N), gx);
                        expected = download(cpu, gx);
                    }
                    if (f[0].equals("unary")) {
                        lastForward = got;
                    }
                }
                case "binary" -> {
                    BinaryOp op = BinaryOp.values()[Integer.parseInt(f[1])];
                    what = "binary " + op;
                    float[] a = op == BinaryOp.BCE || op == BinaryOp.BCE_GRAD ? probabilities : x;
                    Storage out = cpu.allocate(N);
                    int[] s = {N};
                    cpu.binary(op, cpu.upload(a, 0, N), s, cpu.upload(b, 0, N), s, out, s);
                    expected = download(cpu, out);
                    got = bits(f, 2);
                }
                case "broadcast" -> {
                    BinaryOp op = BinaryOp.values()[Integer.parseInt(f[1])];
                    what = "broadcast " + op;
                    Storage out = cpu.allocate(120);
                    cpu.binary(op, cpu.upload(x, 0, 24), new int[] {4, 1, 6}, cpu.upload(b, 0, 30), new int[] {1, 5, 6}, out,
                            new int[] {4, 5, 6});
                    expected = download(cpu, out);
                    got = bits(f, 2);
                }
                case "random" -> {
                    RandomDistribution d = RandomDistribution.values()[Integer.parseInt(f[1])];
                    long seed = Long.parseLong(f[2]);
                    float p1 = Float.parseFloat(f[3]);
                    float p2 = Float.parseFloat(f[4]);
                    what = "random " + d + " seed " + seed;
                    Storage out = cpu.allocate(N);
                    cpu.fillRandom(out, d, seed, p1, p2);
                    expected = download(cpu, out);
                    got = bits(f, 5);
                }
                default -> {
                    continue;
                }
            }
            assertEquals(expected.length, got.length, what);
            for (int i = 0; i < expected.length; i++) {
                float e = expected[i];
                float g = got[i];
                boolean ok = Float.isNaN(e) ? Float.isNaN(g) : Math.abs((double) g - e) <= CudaVsCpu.TOLERANCE * Math.max(1, Math.abs(e));
                assertTrue(ok || e == g, what + ": element " + i + ": emulated kernel " + g + ", cpu " + e);
            }
            compared++;
        }
        return compared;
    }

    private static float[] lastForward;

    private static float[] bits(String[] fields, int from) {
        float[] v = new float[fields.length - from];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(fields[from + i], 16));
        }
        return v;
    }

    private static float[] download(Backend b, Storage s) {
        float[] v = new float[Math.toIntExact(s.size())];
        b.download(s, 0, v, 0, v.length);
        return v;
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Path.of(dir, program).toFile().canExecute()) {
                return true;
            }
        }
        return false;
    }
}
