package dev.nucleon.cuda;

import dev.nucleon.core.backend.BackendStatus;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.Device;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    // ----- the driver-version check (issue 19, CUDA item 1): a pure function, fed fake versions -----

    @Test
    void aDriverOlderThanCuda13IsRefusedWithTheVersionsNamed() {
        assertNull(CudaProbe.driverProblem(13_000));
        assertNull(CudaProbe.driverProblem(13_010));
        assertNull(CudaProbe.driverProblem(14_000));
        assertEquals("the NVIDIA driver supports CUDA 12.8 at most; the kernels (PTX ISA 9.0, nvcc 13) need CUDA 13.0 "
                + "or newer (driver r580+): update the NVIDIA driver", CudaProbe.driverProblem(12_080));
        assertTrue(CudaProbe.driverProblem(12_090).contains("CUDA 12.9 at most"), CudaProbe.driverProblem(12_090));
        assertTrue(CudaProbe.driverProblem(0).contains("does not report its CUDA version"), CudaProbe.driverProblem(0));
    }

    @Test
    void anOldDriverMakesCudaUnavailableEvenWithGoodDevices() {
        CudaProbe.Result r = CudaProbe.select(12_040, List.of(h100(0)));
        assertFalse(r.available());
        assertTrue(r.reason().startsWith("the NVIDIA driver supports CUDA 12.4 at most"), r.reason());
        assertTrue(r.devices().isEmpty() && r.ordinals().isEmpty());
        // and the provider then refuses cuda:0 with that reason (the CLI falls back to the CPU with it)
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> CudaProvider.driverOrdinal(r, new Device("cuda", 0)));
        assertEquals("CUDA unavailable: " + r.reason(), e.getMessage());
    }

    // ----- device numbering (CUDA item 2): cuda:N is the N-th usable GPU, opened by its driver ordinal -----

    private static CudaProbe.DeviceInfo h100(int ordinal) {
        return new CudaProbe.DeviceInfo(ordinal, "NVIDIA H100 80GB HBM3", 90, 80L << 30);
    }

    private static CudaProbe.DeviceInfo v100(int ordinal) {
        return new CudaProbe.DeviceInfo(ordinal, "Tesla V100-SXM2-16GB", 70, 16L << 30);
    }

    @Test
    void cudaNCountsOnlyUsableDevicesAndMapsToTheDriverOrdinal() {
        // driver order: V100 (too old), H100, V100, A100
        CudaProbe.Result r = CudaProbe.select(13_000, List.of(v100(0), h100(1), v100(2),
                new CudaProbe.DeviceInfo(3, "NVIDIA A100-SXM4-40GB", 80, 40L << 30)));
        assertTrue(r.available(), r.reason());
        assertEquals(List.of("cuda:0 NVIDIA H100 80GB HBM3 (sm_90, 80.0 GiB, driver ordinal 1)",
                "cuda:1 NVIDIA A100-SXM4-40GB (sm_80, 40.0 GiB, driver ordinal 3)"), r.devices());
        assertEquals(List.of(1, 3), r.ordinals());
        assertEquals(List.of("driver ordinal 0 Tesla V100-SXM2-16GB (sm_70, 16.0 GiB) is older than sm_75",
                "driver ordinal 2 Tesla V100-SXM2-16GB (sm_70, 16.0 GiB) is older than sm_75"), r.skipped());
        // the provider's check and the context's cuDeviceGet use the same numbering
        assertEquals(1, CudaProvider.driverOrdinal(r, new Device("cuda", 0)));
        assertEquals(3, CudaProvider.driverOrdinal(r, new Device("cuda", 1)));
        IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class,
                () -> CudaProvider.driverOrdinal(r, new Device("cuda", 2)));
        assertTrue(beyond.getMessage().startsWith("device cuda:2: only 2 usable CUDA device(s) here: cuda:0 NVIDIA H100"),
                beyond.getMessage());
        assertTrue(beyond.getMessage().contains("skipped: driver ordinal 0 Tesla V100"), beyond.getMessage());
    }

    @Test
    void withOnlyUsableDevicesTheNumbersAreTheDriverOrdinals() {
        CudaProbe.Result r = CudaProbe.select(13_000, List.of(h100(0), h100(1)));
        assertEquals(List.of("cuda:0 NVIDIA H100 80GB HBM3 (sm_90, 80.0 GiB)", "cuda:1 NVIDIA H100 80GB HBM3 (sm_90, 80.0 GiB)"),
                r.devices());
        assertEquals(List.of(0, 1), r.ordinals());
        assertTrue(r.skipped().isEmpty());
    }

    @Test
    void noRecentEnoughDeviceOrNoneAtAllIsExplained() {
        CudaProbe.Result old = CudaProbe.select(13_000, List.of(v100(0)));
        assertFalse(old.available());
        assertEquals("no device of compute capability 7.5 or newer (found driver ordinal 0 Tesla V100-SXM2-16GB "
                + "(sm_70, 16.0 GiB) is older than sm_75)", old.reason());
        CudaProbe.Result none = CudaProbe.select(13_000, List.of());
        assertEquals("the NVIDIA driver reports no CUDA device", none.reason());
        assertThrows(IllegalArgumentException.class, () -> CudaProvider.driverOrdinal(CudaProbe.select(13_000, List.of(h100(0))),
                new Device("cpu", 0)));
    }
}
