package dev.nucleon.core.cpu;

import dev.nucleon.core.cpu.gemm.Sgemm;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU kernels on a JVM without {@code jdk.incubator.vector}: starts a fresh JVM with no
 * {@code --add-modules} and runs {@link VectorFallbackProbe} there (the test JVM itself has the module,
 * so only another process can show the fallback loads and works).
 */
class VectorFallbackTest {

    @Test
    void kernelsFallBackToScalarCodeWithoutTheVectorModule() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = location(Sgemm.class) + File.pathSeparator + location(VectorFallbackProbe.class);
        Process process = new ProcessBuilder(java, "-Dnucleon.threads=2", "-cp", classPath,
                VectorFallbackProbe.class.getName()).redirectErrorStream(true).start();
        boolean finished = process.waitFor(60, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
        }
        assertTrue(finished, "probe JVM did not finish in 60 s:\n" + output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("Vector API off: module jdk.incubator.vector not added"), output);
        assertTrue(output.contains("kernel: scalar 4x4"), output);
        assertTrue(output.contains("direct conv kernel: scalar direct 4x4"), output);
        assertTrue(output.strip().endsWith("OK"), output);
        // the one-time notice on stderr, with the flag that fixes it, once however many kernels were chosen
        assertEquals(1, output.split(Pattern.quote(VectorSupport.NOTICE), -1).length - 1, output);
        assertTrue(VectorSupport.NOTICE.contains("--add-modules jdk.incubator.vector"));
    }

    @Test
    void theNoticeCanBeSilenced() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = location(Sgemm.class) + File.pathSeparator + location(VectorFallbackProbe.class);
        Process process = new ProcessBuilder(java, "-Dnucleon.threads=1", "-Dnucleon.vector.notice=false", "-cp",
                classPath, VectorFallbackProbe.class.getName()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("kernel: scalar 4x4"), output);
        assertTrue(!output.contains(VectorSupport.NOTICE), output);
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
