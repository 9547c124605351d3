package dev.nucleon.core.cpu;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Convolution;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Starts a second JVM <em>without</em> {@code --add-modules jdk.incubator.vector} and checks that the CPU
 * backend loads, reports the Vector API off, and computes the same matmul and conv as this JVM (which has
 * the Vector API on). This is the only way to exercise the real "module absent" path: in a JVM that has the
 * module it can't be unloaded.
 */
class PlainJavaFallbackTest {

    /** What the child JVM runs: prints the Vector API state, then the results' checksums. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("vector=" + VectorSupport.isAvailable());
            System.out.println("reason=" + VectorSupport.unavailableReason());
            System.out.println("matmul=" + checksum(matmul()));
            System.out.println("conv=" + checksum(conv()));
        }
    }

    static float[] matmul() {
        return Tensor.uniform(1, -1, 1, 70, 90).matmul(Tensor.uniform(2, -1, 1, 90, 50)).toArray();
    }

    static float[] conv() {
        return Convolution.conv2d(Tensor.uniform(3, -1, 1, 2, 5, 17, 19), Tensor.uniform(4, -1, 1, 6, 5, 3, 3),
                Tensor.uniform(5, -1, 1, 6), 2, 1).toArray();
    }

    static double checksum(float[] v) {
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += v[i] * (1 + (i % 7) * 0.125);
        }
        return s;
    }

    @Test
    void backendRunsWithoutTheVectorModuleAndAgrees() throws IOException, InterruptedException {
        assertTrue(VectorSupport.isAvailable(), "the test JVM itself should have the Vector API (surefire argLine)");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Probe.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, process.exitValue(), out);
        assertTrue(out.contains("vector=false"), out);
        assertTrue(out.contains("not added"), out);
        assertEquals(checksum(matmul()), value(out, "matmul"), 1e-3 * Math.abs(checksum(matmul())) + 1e-3, out);
        assertEquals(checksum(conv()), value(out, "conv"), 1e-3 * Math.abs(checksum(conv())) + 1e-3, out);
    }

    private static double value(String out, String key) {
        for (String line : out.split("\\R")) {
            if (line.startsWith(key + "=")) {
                return Double.parseDouble(line.substring(key.length() + 1));
            }
        }
        throw new AssertionError("no " + key + " line in child output:\n" + out);
    }
}
