package dev.nucleon.cuda;

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
 * columns) and pool (max and average, forward and backward). It checks
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
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Path.of(dir, program).toFile().canExecute()) {
                return true;
            }
        }
        return false;
    }
}
