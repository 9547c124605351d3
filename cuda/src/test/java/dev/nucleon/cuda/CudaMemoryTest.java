package dev.nucleon.cuda;

import dev.nucleon.core.Device;
import dev.nucleon.core.backend.Storage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** allocateUninitialized and release on a GPU (the pool's logic itself: DeviceMemoryPoolTest, no GPU). */
@RequiresCuda
class CudaMemoryTest {

    @Test
    void aReleasedBlockIsTheNextAllocationOfItsClassAndTheOldStorageIsDead() {
        CudaBackend cuda = CudaProvider.backend(new Device("cuda", 0));
        long floats = 3 * 1024 * 1024 + 17;
        CudaStorage a = (CudaStorage) cuda.allocateUninitialized(floats);
        jcuda.driver.CUdeviceptr block = a.pointer();
        long calls = cuda.context().memory().driverAllocations();
        cuda.release(a);
        assertTrue(a.released());
        IllegalStateException e = assertThrows(IllegalStateException.class, a::pointer);
        assertTrue(e.getMessage().contains("used after its storage was released"), e.getMessage());
        cuda.release(a); // a second release does nothing
        CudaStorage b = (CudaStorage) cuda.allocateUninitialized(floats);
        assertSame(block, b.pointer(), "the released block, not a new one");
        assertEquals(calls, cuda.context().memory().driverAllocations());
        Storage zeros = cuda.allocate(5);
        float[] back = new float[5];
        cuda.download(zeros, 0, back, 0, 5);
        assertEquals(0f, back[0] + back[4]);
    }
}
