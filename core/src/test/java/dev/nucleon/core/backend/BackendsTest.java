package dev.nucleon.core.backend;

import dev.nucleon.core.Device;

import dev.nucleon.core.cpu.Parallel;
import dev.nucleon.core.cpu.VectorSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendsTest {

    @Test
    void cpuStatusReportsThreadsAndVectorSupport() {
        BackendStatus cpu = Backends.cpuStatus();
        assertEquals("cpu", cpu.name());
        assertTrue(cpu.available());
        String threads = Parallel.threads() + (Parallel.threads() == 1 ? " thread, " : " threads, ");
        assertEquals(threads + VectorSupport.describe(), cpu.detail());
        assertTrue(cpu.toString().startsWith("cpu: available, " + Parallel.threads() + " thread"), cpu.toString());
    }

    @Test
    void statusesStartWithCpuAndSayCudaIsAbsentWhenNoProviderIsRegistered() {
        List<BackendStatus> statuses = Backends.statuses();
        assertEquals(Backends.cpuStatus(), statuses.get(0));
        assertTrue(Backends.provider("cuda").isEmpty());
        BackendStatus cuda = statuses.stream().filter(s -> s.name().equals("cuda")).findFirst().orElseThrow();
        assertEquals(new BackendStatus("cuda", false,
                "no CUDA backend on the class path (add dev.nucleon:nucleon-cuda)"), cuda);
        assertEquals("cuda: unavailable: no CUDA backend on the class path (add dev.nucleon:nucleon-cuda)",
                cuda.toString());
    }

    @Test
    void unavailableReasonIsEmptyForTheCpuAndTheStatusDetailForAnAbsentCuda() {
        assertTrue(Backends.unavailableReason(Device.CPU).isEmpty());
        assertEquals(java.util.Optional.of(Backends.NO_CUDA_DETAIL), Backends.unavailableReason(Device.parse("cuda")));
        assertTrue(Backends.unavailableReason(Device.parse("opencl")).orElseThrow().contains("no opencl backend"));
    }

    @Test
    void registeredProviderIsFoundByNameAndItsProbeReplacesTheAbsentLine(@TempDir Path dir) throws Exception {
        withProviders(dir, () -> {
            assertTrue(Backends.provider("cuda").orElseThrow() instanceof FakeCudaProvider);
            assertTrue(Backends.provider("CUDA").isPresent(), "names are case-insensitive");
            assertTrue(Backends.provider("opencl").isEmpty());
            List<BackendStatus> statuses = Backends.statuses();
            assertEquals(List.of(Backends.cpuStatus(), FakeCudaProvider.STATUS), statuses);
            return null;
        }, FakeCudaProvider.class);
    }

    @Test
    void providerWhoseProbeThrowsIsReportedUnavailableWithTheMessage(@TempDir Path dir) throws Exception {
        withProviders(dir, () -> {
            List<BackendStatus> statuses = Backends.statuses();
            assertEquals(2, statuses.size(), statuses.toString());
            BackendStatus cuda = statuses.get(1);
            assertEquals("cuda", cuda.name());
            assertFalse(cuda.available());
            assertTrue(cuda.detail().contains("libcuda.so.1 not found"), cuda.detail());
            assertTrue(Backends.provider("cuda").isPresent(), "the provider itself still loads");
            return null;
        }, ThrowingCudaProvider.class);
    }

    @Test
    void providerThatCannotBeInstantiatedIsReportedNotThrown(@TempDir Path dir) throws Exception {
        withProviders(dir, () -> {
            List<BackendStatus> statuses = Backends.statuses();
            assertEquals(Backends.cpuStatus(), statuses.get(0));
            BackendStatus broken = statuses.stream().filter(s -> s.detail().contains("constructor exploded"))
                    .findFirst().orElseThrow(() -> new AssertionError(statuses.toString()));
            assertFalse(broken.available());
            // the working provider registered after the broken one is still found
            assertTrue(statuses.contains(FakeOpenClProvider.STATUS), statuses.toString());
            assertTrue(Backends.provider("opencl").isPresent());
            return null;
        }, BrokenConstructorProvider.class, FakeOpenClProvider.class);
    }

    @Test
    void cpuIsTheBuiltInBackendAndServesTheCpuDevice() {
        assertSame(Backends.cpu(), Backends.get(Device.CPU));
        assertEquals("cpu", Backends.cpu().name());
        assertEquals(Backends.cpu().status(), Backends.cpuStatus());
    }

    @Test
    void unknownDeviceIsRefusedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backends.get(Device.parse("opencl:0")));
        assertTrue(e.getMessage().contains("opencl:0"), e.getMessage());
    }

    @Test
    void probeTurnsNullIntoUnavailable() {
        BackendStatus status = Backends.probe(new FakeCudaProvider() {
            @Override
            public BackendStatus probe() {
                return null;
            }
        });
        assertEquals("cuda", status.name());
        assertFalse(status.available());
    }

    /** Runs {@code body} with a context class loader that registers {@code providers} as BackendProviders. */
    private static void withProviders(Path dir, Callable<Void> body, Class<?>... providers) throws Exception {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        StringBuilder lines = new StringBuilder();
        for (Class<?> p : providers) {
            lines.append(p.getName()).append('\n');
        }
        Files.writeString(services.resolve(BackendProvider.class.getName()), lines, StandardCharsets.UTF_8);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, BackendsTest.class.getClassLoader())) {
            thread.setContextClassLoader(loader);
            body.call();
        } catch (IOException e) {
            throw new AssertionError(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
        assertSame(previous, thread.getContextClassLoader());
    }

    public static class FakeCudaProvider implements BackendProvider {
        static final BackendStatus STATUS = new BackendStatus("cuda", true, "cuda:0 Fake GPU, 80 GiB");

        @Override
        public String name() {
            return "cuda";
        }

        @Override
        public BackendStatus probe() {
            return STATUS;
        }

        @Override
        public Backend open(Device device) {
            throw new UnsupportedOperationException("fake");
        }
    }

    public static class ThrowingCudaProvider extends FakeCudaProvider {
        @Override
        public BackendStatus probe() {
            throw new IllegalStateException("libcuda.so.1 not found");
        }
    }

    public static class BrokenConstructorProvider extends FakeCudaProvider {
        public BrokenConstructorProvider() {
            throw new IllegalStateException("constructor exploded");
        }
    }

    public static class FakeOpenClProvider extends FakeCudaProvider {
        static final BackendStatus STATUS = new BackendStatus("opencl", true, "fake device");

        @Override
        public String name() {
            return "opencl";
        }

        @Override
        public BackendStatus probe() {
            return STATUS;
        }
    }
}
