package dev.nucleon.cuda;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The caching allocator on a fake driver with a fixed capacity (issue 19, CUDA item 7), no GPU needed: released
 * blocks are reused, and out-of-memory first frees the cache and retries; the garbage collection is the last
 * resort, not the first reaction, and there is no fixed sleep.
 */
class DeviceMemoryPoolTest {

    /** A device of {@code capacity} bytes; blocks are distinct CUdeviceptr objects. */
    static final class FakeDriver implements DeviceMemoryPool.Driver {
        final long capacity;
        final Map<CUdeviceptr, Long> live = new IdentityHashMap<>();
        long used;
        int allocations;
        int frees;
        int synchronizations;

        FakeDriver(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public CUdeviceptr allocate(long bytes) {
            if (used + bytes > capacity) {
                return null;
            }
            CUdeviceptr p = new CUdeviceptr().withByteOffset(allocations++);
            live.put(p, bytes);
            used += bytes;
            return p;
        }

        @Override
        public void free(CUdeviceptr block) {
            used -= live.remove(block);
            frees++;
        }

        @Override
        public void synchronize() {
            synchronizations++;
        }

        @Override
        public long[] memoryInfo() {
            return new long[] {capacity - used, capacity};
        }
    }

    private static final long MIB = 1L << 20;

    @Test
    void aReleasedBlockIsReusedWithoutTheDriver() {
        FakeDriver driver = new FakeDriver(64 * MIB);
        DeviceMemoryPool pool = new DeviceMemoryPool("cuda:0", driver, () -> { throw new AssertionError("no GC needed"); });
        CUdeviceptr a = pool.allocate(4 * MIB);
        pool.release(a, 4 * MIB);
        assertSame(a, pool.allocate(4 * MIB - 100), "same size class: the cached block");
        assertEquals(1, driver.allocations);
        assertEquals(4 * MIB, pool.bytesInUse());
        CUdeviceptr b = pool.allocate(1000);
        assertEquals(2, driver.allocations, "another size class: a new block");
        pool.release(b, DeviceMemoryPool.roundUp(1000));
        assertEquals(DeviceMemoryPool.roundUp(1000), pool.bytesCached());
    }

    @Test
    void outOfMemoryFreesTheCacheAndRetriesBeforeAnyGarbageCollection() {
        FakeDriver driver = new FakeDriver(16 * MIB);
        int[] gcs = {0};
        DeviceMemoryPool pool = new DeviceMemoryPool("cuda:0", driver, () -> gcs[0]++);
        List<CUdeviceptr> small = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            small.add(pool.allocate(2 * MIB));
        }
        for (CUdeviceptr p : small) {
            pool.release(p, 2 * MIB); // 12 MiB cached in the 2 MiB class, 4 MiB free on the device
        }
        CUdeviceptr big = pool.allocate(10 * MIB); // needs the cache freed
        assertTrue(driver.live.containsKey(big));
        assertEquals(6, driver.frees, "every cached block went back to the driver");
        assertTrue(driver.synchronizations >= 1, "after the stream finished with them");
        assertEquals(0, gcs[0], "no garbage collection while freeing the cache was enough");
        assertEquals(0, pool.bytesCached());
        assertEquals(10 * MIB, pool.bytesInUse());
    }

    @Test
    void theGarbageCollectionIsTheLastResortAndItsReleasesAreUsed() {
        FakeDriver driver = new FakeDriver(8 * MIB);
        DeviceMemoryPool[] holder = new DeviceMemoryPool[1];
        CUdeviceptr[] unreachable = new CUdeviceptr[1];
        // the "collection" makes a forgotten 8 MiB storage give its block back, as the Cleaner would
        holder[0] = new DeviceMemoryPool("cuda:0", driver, () -> holder[0].release(unreachable[0], 8 * MIB));
        DeviceMemoryPool pool = holder[0];
        unreachable[0] = pool.allocate(8 * MIB);
        long start = System.nanoTime();
        CUdeviceptr again = pool.allocate(8 * MIB);
        assertSame(unreachable[0], again, "the collected block of the same class is taken");
        assertEquals(1, pool.garbageCollections());
        assertTrue(System.nanoTime() - start < DeviceMemoryPool.GC_WAIT_MILLIS * 1_000_000,
                "woken by the release, not a fixed wait");
    }

    @Test
    void aCollectedBlockOfAnotherClassIsFreedForTheRetry() {
        FakeDriver driver = new FakeDriver(8 * MIB);
        DeviceMemoryPool[] holder = new DeviceMemoryPool[1];
        CUdeviceptr[] unreachable = new CUdeviceptr[1];
        holder[0] = new DeviceMemoryPool("cuda:0", driver, () -> holder[0].release(unreachable[0], 6 * MIB));
        DeviceMemoryPool pool = holder[0];
        unreachable[0] = pool.allocate(6 * MIB);
        CUdeviceptr p = pool.allocate(4 * MIB);
        assertTrue(driver.live.containsKey(p));
        assertEquals(1, driver.frees, "the collected 6 MiB block went back to the driver");
        assertEquals(4 * MIB, pool.bytesInUse());
    }

    @Test
    void whenNothingHelpsTheErrorGivesTheNumbers() {
        FakeDriver driver = new FakeDriver(8 * MIB);
        int[] gcs = {0};
        DeviceMemoryPool pool = new DeviceMemoryPool("cuda:0", driver, () -> gcs[0]++);
        pool.allocate(6 * MIB);
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> pool.allocate(4 * MIB));
        assertEquals("CUDA out of memory on cuda:0: cannot allocate 4.0 MiB; 6.0 MiB held by live tensors, 2.0 MiB free "
                + "of 8.0 MiB. Use a smaller batch or patch size, or free tensors you no longer need.", e.getMessage());
        assertEquals(1, gcs[0], "one garbage collection, as the last resort");
        assertEquals(6 * MIB, pool.bytesInUse(), "the failed request left no trace");
    }
}
