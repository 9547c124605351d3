package dev.nucleon.cuda;

import dev.nucleon.core.backend.RoiAlignGeometry;
import dev.nucleon.core.reference.NmsLoops;
import dev.nucleon.core.reference.RoiAlignLoops;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code detection.cu} compiled for the host ({@code src/test/cuda/emulate_detection.cpp} against
 * {@code cuda_host_shim.h}: a block's threads are real threads, atomicAdd a real atomic) and compared with core's
 * {@link RoiAlignLoops} and {@link NmsLoops} on random inputs: RoIAlign forward to the last bit (the kernel's
 * {@code __f*_rn} arithmetic is Java's), its backward within float summation-order error (atomic adds), and the NMS
 * mask bit for bit. Index arithmetic, guards and rounding without a GPU; no substitute for running on one (the
 * GPU's memory model, launch limits and nvcc's code generation are not exercised). Skipped where g++ is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostEmulationDetectionTest {

    private Path emulator;

    @BeforeAll
    void compile(@TempDir Path dir) throws IOException, InterruptedException {
        assumeTrue(HostEmulationTest.onPath("g++"), "g++ not found: the host emulation of the kernels needs it");
        emulator = dir.resolve("emulate_detection");
        Process p = new ProcessBuilder("g++", "-std=c++20", "-O1", "-pthread", "-Isrc/main/cuda", "-o",
                emulator.toString(), "src/test/cuda/emulate_detection.cpp").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "g++ did not finish");
        assertEquals(0, p.exitValue(), log);
    }

    /** Runs the emulator on {@code request}; {@return its output's tokens} */
    private String[] run(String request) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(emulator.toString()).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(request.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), "emulator did not finish");
        assertEquals(0, p.exitValue(), err);
        return out.trim().split("\\s+");
    }

    private static void append(StringBuilder b, float... values) {
        for (float v : values) {
            b.append(' ').append(Float.floatToRawIntBits(v));
        }
    }

    private static float[] floats(String[] tokens, String label, int from, int n) {
        assertEquals(label, tokens[from]);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = Float.intBitsToFloat(Integer.parseInt(tokens[from + 1 + i]));
        }
        return f;
    }

    @Test
    void roiAlignForwardAndBackwardMatchTheLoops() throws IOException, InterruptedException {
        int cases = 0;
        for (boolean aligned : new boolean[] {false, true}) {
            for (int sampling : new int[] {0, 1, 2}) {
                SplittableRandom g = new SplittableRandom(cases * 17L + 5);
                int n = 2, c = 2, h = 6 + g.nextInt(4), w = 5 + g.nextInt(5), r = 7, outH = 1 + g.nextInt(3), outW = 2 + g.nextInt(3);
                float scale = new float[] {0.5f, 1f, 1.5f}[g.nextInt(3)];
                float[] x = new float[n * c * h * w];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) g.nextDouble(-1, 1);
                }
                float[] rois = new float[5 * r];
                for (int i = 0; i < r; i++) {                  // corners in −3 … size + 3: many partly outside
                    rois[5 * i] = g.nextInt(n);
                    for (int k = 0; k < 4; k++) {
                        rois[5 * i + 1 + k] = (float) g.nextDouble(-3, (k % 2 == 0 ? w : h) / scale + 3);
                    }
                }
                float[] gy = new float[r * c * outH * outW];
                for (int i = 0; i < gy.length; i++) {
                    gy[i] = (float) g.nextDouble(-1, 1);
                }
                StringBuilder b = new StringBuilder("roi " + n + " " + c + " " + h + " " + w + " " + r + " " + outH + " " + outW);
                append(b, scale);
                b.append(' ').append(sampling).append(' ').append(aligned ? 1 : 0);
                append(b, x);
                append(b, rois);
                append(b, gy);
                String[] out = run(b.append('\n').toString());
                RoiAlignGeometry geometry = new RoiAlignGeometry(n, c, h, w, r, outH, outW, scale, sampling, aligned);
                float[] y = new float[gy.length];
                RoiAlignLoops.forward(geometry, x, rois, y);
                float[] gx = new float[x.length];
                RoiAlignLoops.backward(geometry, rois, gy, gx);
                assertArrayEquals(y, floats(out, "y", 0, y.length), 0f, "forward " + geometry);
                float[] emulated = floats(out, "gx", 1 + y.length, gx.length);
                for (int i = 0; i < gx.length; i++) {
                    assertEquals(gx[i], emulated[i], 1e-5f * (1 + Math.abs(gx[i])), "gx[" + i + "] of " + geometry);
                }
                cases++;
            }
        }
        assertEquals(6, cases);
    }

    @Test
    void nmsMaskMatchesTheLoopsBitForBit() throws IOException, InterruptedException {
        for (int n : new int[] {1, 64, 130}) {
            for (boolean perClass : new boolean[] {false, true}) {
                SplittableRandom g = new SplittableRandom(n * 3L + (perClass ? 1 : 0));
                float[] boxes = new float[4 * n];
                float[] classes = perClass ? new float[n] : null;
                for (int i = 0; i < n; i++) {
                    float x1 = (float) g.nextDouble(0, 20), y1 = (float) g.nextDouble(0, 20);
                    boolean point = g.nextInt(8) == 0;
                    boxes[4 * i] = x1;
                    boxes[4 * i + 1] = y1;
                    boxes[4 * i + 2] = point ? x1 : x1 + (float) g.nextDouble(0.5, 10);
                    boxes[4 * i + 3] = point ? y1 : y1 + (float) g.nextDouble(0.5, 10);
                    if (i > 0 && g.nextInt(8) == 0) {
                        System.arraycopy(boxes, 4 * g.nextInt(i), boxes, 4 * i, 4);
                    }
                    if (perClass) {
                        classes[i] = g.nextInt(3);
                    }
                }
                for (float threshold : new float[] {0f, 0.5f}) {
                    StringBuilder b = new StringBuilder("nms " + n + " " + (perClass ? 1 : 0));
                    append(b, threshold);
                    append(b, boxes);
                    if (perClass) {
                        append(b, classes);
                    }
                    String[] out = run(b.append('\n').toString());
                    long[] expected = NmsLoops.suppressionMask(boxes, classes, n, threshold);
                    assertEquals("mask", out[0]);
                    long[] got = new long[out.length - 1];
                    for (int k = 0; k < got.length; k++) {
                        got[k] = Long.parseUnsignedLong(out[k + 1]);
                    }
                    assertArrayEquals(expected, got, n + " boxes" + (perClass ? ", 3 classes" : "") + ", IoU > " + threshold);
                }
            }
        }
    }
}
