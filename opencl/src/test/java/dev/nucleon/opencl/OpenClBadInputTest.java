package dev.nucleon.opencl;

import dev.nucleon.core.Device;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.backend.Storage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What goes wrong on a real device becomes one clear exception, never a crash: a device number past the last, a
 * kernel that does not build, a buffer larger than the device allows or than its memory, and a storage used after
 * its release. Also: the pool reuses released buffers.
 */
@RequiresOpenCl
class OpenClBadInputTest {

    private final OpenClBackend backend = OpenClProvider.backend(new Device("opencl", 0));

    @Test
    void aDeviceNumberPastTheLastNamesTheDevicesThereAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.get(new Device("opencl", 99)));
        assertTrue(e.getMessage().startsWith("device opencl:99: only "), e.getMessage());
        assertTrue(e.getMessage().contains("opencl:0 "), e.getMessage());
        assertTrue(Backends.unavailableReason(new Device("opencl", 0)).isEmpty());
        assertTrue(Backends.unavailableReason(new Device("opencl", 99)).orElseThrow().contains("only "));
    }

    @Test
    void aKernelBuildFailureIsOneLineNamingTheFile() {
        OpenClContext c = backend.context();
        OpenClProbe.Found found = OpenClProbe.result().found().get(0);
        KernelLibrary library = new KernelLibrary(c.context(), found.device(), "");
        OpenClUnavailableException e = assertThrows(OpenClUnavailableException.class, () -> library.kernel("broken", "broken"));
        assertTrue(e.getMessage().startsWith("OpenCL unavailable: kernel build failed for broken.cl: "), e.getMessage());
        assertTrue(e.getMessage().contains("undeclared_variable"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        library.release();
    }

    @Test
    void tooLargeAnAllocationIsAnOutOfMemoryErrorWithTheNumbers() {
        OpenClOutOfMemoryException huge = assertThrows(OpenClOutOfMemoryException.class,
                () -> backend.allocate(Long.MAX_VALUE / 8));
        assertTrue(huge.getMessage().startsWith("OpenCL out of memory on opencl:0: cannot allocate "), huge.getMessage());

        BufferPool small = new BufferPool(backend.context().context(), "opencl:0", 3L << 20, 2L << 20);
        org.jocl.cl_mem first = small.allocate(BufferPool.roundUp(2L << 20));
        OpenClOutOfMemoryException full = assertThrows(OpenClOutOfMemoryException.class,
                () -> small.allocate(BufferPool.roundUp(2L << 20)));
        assertEquals("OpenCL out of memory on opencl:0: cannot allocate 2.0 MiB; 2.0 MiB held by live tensors, 3.0 MiB "
                + "on the device. Use a smaller batch or patch size, or free tensors you no longer need.", full.getMessage());
        small.release(first, BufferPool.roundUp(2L << 20));
        small.emptyCache();
    }

    @Test
    void releasedBuffersAreReusedAndAReleasedStorageIsRefused() {
        Storage a = backend.allocate(12_345);
        BufferPool pool = backend.context().pool();
        backend.release(a);
        long before = pool.driverAllocations();
        Storage b = backend.allocateUninitialized(12_300); // the same size class
        assertEquals(before, pool.driverAllocations(), "a released buffer of the same size class is reused");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend.fill(a, 1f));
        assertTrue(e.getMessage().contains("was released"), e.getMessage());
        backend.release(a); // twice: no effect
        float[] back = new float[3];
        backend.fill(b, 2f);
        backend.download(b, 100, back, 0, 3);
        assertEquals(2f, back[2]);
    }
}
