package dev.nucleon.cuda;

import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A caching allocator for device memory, so that a training loop, which allocates the same sizes every
 * step, calls {@code cuMemAlloc} only in its first step, and an inference loop that releases its activations
 * ({@code Tensor.release()}, {@link CudaBackend#release}) reuses them at once.
 *
 * <p>Sizes are rounded up to a size class: multiples of 512 bytes below 1 MiB, multiples of 2 MiB above.
 * A released block goes back to its class's free list instead of to the driver; an allocation takes a
 * block of its exact class when one is free. Blocks are reused in stream order: all work runs on the
 * device's single stream, so a kernel enqueued after a block's release cannot overtake the kernels that
 * still read it (the same argument as PyTorch's caching allocator for one stream). Blocks come back by an
 * explicit {@link CudaStorage#release} or, for storages nobody released, when the storage is collected
 * (a {@link java.lang.ref.Cleaner}).
 *
 * <p>When {@code cuMemAlloc} reports out-of-memory:
 * <ol>
 *   <li>the pool frees every cached block (other size classes) back to the driver, after the stream has
 *       finished with them, and asks the driver again;</li>
 *   <li>only if that fails too, as a last resort, it asks the JVM to collect garbage: tensors that became
 *       unreachable without being released hand their blocks back through the Cleaner. It waits at most
 *       {@link #GC_WAIT_MILLIS} ms for such a release (woken by the first one, not a fixed sleep), then frees the
 *       cache again and retries once more;</li>
 *   <li>then it throws {@link CudaOutOfMemoryException} with the numbers.</li>
 * </ol>
 * Code that releases what it no longer needs never reaches step 2.
 *
 * <p>The driver calls go through {@link Driver}, so the bookkeeping and the out-of-memory path are tested
 * without a GPU ({@code DeviceMemoryPoolTest}).
 */
final class DeviceMemoryPool {

    private static final long SMALL_LIMIT = 1L << 20;
    private static final long SMALL_GRANULE = 512;
    private static final long LARGE_GRANULE = 2L << 20;
    /** The longest the last-resort path waits for the Cleaner to return a block after {@code System.gc()}. */
    static final long GC_WAIT_MILLIS = 100;

    /** The device-memory calls the pool makes. */
    interface Driver {
        /** A new block of {@code bytes}, or null when the device is out of memory. */
        CUdeviceptr allocate(long bytes);

        /** Gives a block back to the driver. */
        void free(CUdeviceptr block);

        /** Waits until the stream has finished every enqueued op (before freed blocks may go to the driver). */
        void synchronize();

        /** {free, total} bytes of the device, for the out-of-memory message ({0, 0} when unknown). */
        long[] memoryInfo();
    }

    private final String device;
    private final Driver driver;
    private final Runnable collectGarbage;
    private final Map<Long, ArrayDeque<CUdeviceptr>> free = new HashMap<>();
    private long bytesInUse;
    private long bytesCached;
    private long peakBytesInUse;
    private long driverAllocations;
    private long releases;
    private long garbageCollections;

    DeviceMemoryPool(CudaContext context) {
        this(context.device().toString(), new ContextDriver(context), System::gc);
    }

    /**
     * @param device         the device's name, for messages
     * @param driver         the device-memory calls
     * @param collectGarbage the last resort of the out-of-memory path ({@code System::gc})
     */
    DeviceMemoryPool(String device, Driver driver, Runnable collectGarbage) {
        this.device = device;
        this.driver = driver;
        this.collectGarbage = collectGarbage;
    }

    /** The size class of a request of {@code bytes} (≥ 1). */
    static long roundUp(long bytes) {
        long b = Math.max(bytes, 1);
        long granule = b < SMALL_LIMIT ? SMALL_GRANULE : LARGE_GRANULE;
        return (b + granule - 1) / granule * granule;
    }

    /** A block of at least {@code bytes}; its size class is {@link #roundUp}. */
    CUdeviceptr allocate(long bytes) {
        long size = roundUp(bytes);
        CUdeviceptr p = takeCached(size);
        if (p != null) {
            return p;
        }
        p = driver.allocate(size);
        if (p == null) {
            emptyCache(); // blocks of other size classes go back to the driver
            p = driver.allocate(size);
        }
        if (p == null) {
            p = lastResort(size);
            if (p != null) {
                return p; // a block of this class, already counted as in use
            }
            p = driver.allocate(size);
            if (p == null) {
                throw new CudaOutOfMemoryException(outOfMemoryMessage(bytes));
            }
        }
        synchronized (this) {
            driverAllocations++;
            return use(p, size);
        }
    }

    /**
     * The garbage-collection fallback: unreachable storages nobody released give their blocks back through the
     * Cleaner. Returns a returned block of this class if one came, else frees what came back and returns null.
     */
    private CUdeviceptr lastResort(long size) {
        long before;
        synchronized (this) {
            before = releases;
            garbageCollections++;
        }
        collectGarbage.run();
        long deadline = System.nanoTime() + GC_WAIT_MILLIS * 1_000_000;
        synchronized (this) {
            long left;
            while (releases == before && (left = deadline - System.nanoTime()) > 0) {
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        CUdeviceptr p = takeCached(size);
        if (p == null) {
            emptyCache();
        }
        return p;
    }

    /** A cached block of exactly this size class, or null. */
    private synchronized CUdeviceptr takeCached(long size) {
        ArrayDeque<CUdeviceptr> list = free.get(size);
        if (list == null || list.isEmpty()) {
            return null;
        }
        bytesCached -= size;
        return use(list.pop(), size);
    }

    private CUdeviceptr use(CUdeviceptr p, long size) {
        bytesInUse += size;
        peakBytesInUse = Math.max(peakBytesInUse, bytesInUse);
        return p;
    }

    /** Returns a block of size class {@code size} to the cache; callable from any thread (the Cleaner's). */
    synchronized void release(CUdeviceptr p, long size) {
        bytesInUse -= size;
        bytesCached += size;
        releases++;
        free.computeIfAbsent(size, k -> new ArrayDeque<>()).push(p);
        notifyAll(); // an out-of-memory path may be waiting for this
    }

    /** Gives every cached block back to the driver (after the stream has finished with them). */
    void emptyCache() {
        driver.synchronize();
        synchronized (this) {
            for (ArrayDeque<CUdeviceptr> list : free.values()) {
                for (CUdeviceptr p : list) {
                    driver.free(p);
                }
            }
            free.clear();
            bytesCached = 0;
        }
    }

    private String outOfMemoryMessage(long requested) {
        long[] info = driver.memoryInfo();
        synchronized (this) {
            return String.format(Locale.ROOT,
                    "CUDA out of memory on %s: cannot allocate %s; %s held by live tensors, %s free of %s. "
                            + "Use a smaller batch or patch size, or free tensors you no longer need.",
                    device, gib(requested), gib(bytesInUse), gib(info[0]), gib(info[1]));
        }
    }

    private static String gib(long bytes) {
        return bytes >= (1L << 30) ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }

    synchronized String statistics() {
        return String.format(Locale.ROOT, "%s in use (peak %s), %s cached, %d cuMemAlloc calls",
                gib(bytesInUse), gib(peakBytesInUse), gib(bytesCached), driverAllocations);
    }

    synchronized long bytesInUse() {
        return bytesInUse;
    }

    synchronized long bytesCached() {
        return bytesCached;
    }

    synchronized long driverAllocations() {
        return driverAllocations;
    }

    /** How often the out-of-memory path fell back to a garbage collection. */
    synchronized long garbageCollections() {
        return garbageCollections;
    }

    /** {@link Driver} on a real context: {@code cuMemAlloc}, {@code cuMemFree}, {@code cuMemGetInfo}. */
    private record ContextDriver(CudaContext context) implements Driver {
        @Override
        public CUdeviceptr allocate(long bytes) {
            CUdeviceptr p = new CUdeviceptr();
            context.bind();
            try {
                JCudaDriver.cuMemAlloc(p, bytes);
                return p;
            } catch (CudaException e) {
                if (e.getMessage() != null && e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY))) {
                    return null;
                }
                throw e;
            }
        }

        @Override
        public void free(CUdeviceptr block) {
            context.bind();
            JCudaDriver.cuMemFree(block);
        }

        @Override
        public void synchronize() {
            context.synchronize();
        }

        @Override
        public long[] memoryInfo() {
            long[] freeBytes = {0};
            long[] totalBytes = {0};
            try {
                context.bind();
                JCudaDriver.cuMemGetInfo(freeBytes, totalBytes);
            } catch (CudaException ignored) {
                // the numbers then read 0; the message still names the request
            }
            return new long[] {freeBytes[0], totalBytes[0]};
        }
    }
}
