package dev.nucleon.opencl;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The probe's reasons, one line each, without needing a driver: the messages for a missing loader, no platform and
 * empty platforms, and (in a child JVM whose ICD loader is pointed at an empty vendor directory) the real probe on a
 * machine with no OpenCL driver.
 */
class OpenClProbeTest {

    @Test
    void theProbeNeverThrowsAndGivesOneLine() {
        OpenClProbe.Result r = OpenClProbe.result();
        if (r.available()) {
            assertEquals("", r.reason());
            assertFalse(r.devices().isEmpty());
            assertTrue(r.devices().get(0).startsWith("opencl:0 "), r.devices().get(0));
        } else {
            assertFalse(r.reason().isBlank());
            assertFalse(r.reason().contains("\n"), r.reason());
        }
        assertEquals(r.available(), new OpenClProvider().probe().available());
    }

    @Test
    void aMissingLoaderIsExplained() {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(
                "Could not initialize native OpenCL library. Implementation library could not be loaded");
        assertEquals("no libOpenCL.so: the ICD loader is installed as libOpenCL.so.1 only, and JOCL loads libOpenCL.so "
                + "(install ocl-icd-opencl-dev, or link libOpenCL.so to libOpenCL.so.1)", OpenClProbe.explainLinkError(e, true));
        assertTrue(OpenClProbe.explainLinkError(e, false).startsWith("no OpenCL ICD loader: libOpenCL.so cannot be loaded"));
        String jocl = OpenClProbe.explainLinkError(new UnsatisfiedLinkError("Error while loading native library "
                + "\"JOCL_2_0_5-linux-riscv\"\nmore"), false);
        assertTrue(jocl.startsWith("the JOCL native library cannot be loaded on "), jocl);
        assertFalse(jocl.contains("\n"), jocl);
    }

    @Test
    void platformsWithoutDevicesAreNamed() {
        assertEquals("no OpenCL device: platform Portable Computing Language reports no device",
                OpenClProbe.noDevice(List.of("Portable Computing Language")));
        assertEquals("no OpenCL device: platforms A, B report no device", OpenClProbe.noDevice(List.of("A", "B")));
    }

    @Test
    void noDriverGivesTheNoPlatformLine(@org.junit.jupiter.api.io.TempDir Path emptyVendors)
            throws IOException, InterruptedException {
        org.junit.jupiter.api.Assumptions.assumeTrue(OpenClProbe.available() || RequiresOpenCl.Condition.required(),
                "no ICD loader here to point at an empty vendor directory: " + OpenClProbe.reason());
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OpenClProbe.class.getName());
        pb.environment().put("OCL_ICD_VENDORS", emptyVendors.toString()); // ocl-icd: look for drivers here only
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.exitValue(), out);
        assertEquals("unavailable: " + OpenClProbe.NO_PLATFORM, out.lines().reduce((a, b) -> b).orElse(""), out);
        assertTrue(Files.isDirectory(emptyVendors));
    }
}
