package dev.nucleon.cli;

import dev.nucleon.core.cpu.Parallel;
import dev.nucleon.cuda.CudaProbe;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfoCommandTest {

    @Test
    void printsVersionsMachineAndEveryBackend() {
        Run run = Run.of("info");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("", run.err());
        String out = run.out();
        assertTrue(out.startsWith("Nucleon " + NucleonVersion.get()), out);
        assertTrue(out.contains(System.getProperty("java.version")), out);
        assertTrue(out.contains(System.getProperty("java.vendor")), out);
        assertTrue(out.contains(System.getProperty("os.arch")), out);
        String cpu = line(out, "cpu: ");
        int threads = Parallel.threads();
        assertTrue(cpu.startsWith("cpu: available, " + threads + (threads == 1 ? " thread, " : " threads, ")), cpu);
        assertTrue(cpu.contains("Vector API o"), cpu);
        String cuda = line(out, "cuda: ");
        if (CudaProbe.available()) {
            assertTrue(cuda.startsWith("cuda: available, cuda:0 "), cuda);
        } else {
            assertEquals("cuda: unavailable: " + CudaProbe.reason(), cuda);
        }
        String opencl = line(out, "opencl: ");
        if (dev.nucleon.opencl.OpenClProbe.available()) {
            assertTrue(opencl.startsWith("opencl: available, opencl:0 "), opencl);
        } else {
            assertEquals("opencl: unavailable: " + dev.nucleon.opencl.OpenClProbe.reason(), opencl);
        }
    }

    @Test
    void bytesInBinaryUnits() {
        assertEquals("512 B", InfoCommand.bytes(512));
        assertEquals("1.5 KiB", InfoCommand.bytes(1536));
        assertEquals("2.0 GiB", InfoCommand.bytes(2L << 30));
    }

    private static String line(String text, String prefix) {
        return Arrays.stream(text.split("\\R")).map(String::strip).filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in\n" + text));
    }
}
