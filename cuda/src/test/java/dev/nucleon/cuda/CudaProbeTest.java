package dev.nucleon.cuda;

import dev.nucleon.core.backend.BackendStatus;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe and the provider behave on any machine: with a GPU they open it, without one they say why. */
class CudaProbeTest {

    @Test
    void probeNeverThrowsAndExplainsItself() {
        CudaProbe.Result r = CudaProbe.result();
        if (r.available()) {
            assertFalse(r.devices().isEmpty());
            assertTrue(r.devices().get(0).startsWith("cuda:0 "), r.devices().get(0));
        } else {
            assertFalse(r.reason().isBlank(), "an unavailable probe must say why");
            assertTrue(r.devices().isEmpty());
        }
    }

    @Test
    void coreListsTheCudaProviderWithTheProbeResult() {
        BackendStatus cuda = Backends.statuses().stream().filter(s -> s.name().equals("cuda")).findFirst().orElseThrow();
        assertEquals(CudaProbe.available(), cuda.available(), cuda.toString());
        if (!cuda.available()) {
            assertEquals("cuda: unavailable: " + CudaProbe.reason(), cuda.toString());
        }
    }

    @Test
    void openingCudaWithoutAGpuNamesTheReason() {
        if (CudaProbe.available()) {
            assertEquals("cuda", Backends.get(new Device("cuda", 0)).name());
            return;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.get(new Device("cuda", 0)));
        assertTrue(e.getMessage().contains(CudaProbe.reason()), e.getMessage());
        CudaUnavailableException direct = assertThrows(CudaUnavailableException.class,
                () -> CudaProvider.backend(new Device("cuda", 0)));
        assertTrue(direct.getMessage().startsWith("CUDA unavailable: "), direct.getMessage());
    }

    @Test
    void aMissingDriverIsNamedInOneLine() {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: "
                + "cannot open shared object file: No such file or directory");
        assertEquals("no NVIDIA driver: libcuda.so.1 cannot be loaded", CudaProbe.explainLinkError(e));
    }
}
