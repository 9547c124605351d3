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
 * step, calls {@code cuMemAlloc} only in its first step.
 *
 * <p>Sizes are rounded up to a size class: multiples of 512 bytes below 1 MiB, multiples of 2 MiB above.
 * A released block goes back to its class's free list instead of to the driver; an allocation takes a
 * block of its exact class when one is free. Blocks are reused in stream order: all work runs on the
 * device's single stream, so a kernel enqueued after a block's release cannot overtake the kernels that
 * still read it (the same argument as PyTorch's caching allocator for one stream).
 *
 * <p>When {@code cuMemAlloc} reports out-of-memory the pool asks the JVM to collect unreachable tensors
 * (their storages release blocks through a {@link java.lang.ref.Cleaner}) and takes a freed block of the
 * right class if one appeared; else it frees every cached block and tries the driver once more; then it
 * throws {@link CudaOutOfMemoryException} with the numbers.
 */
final class DeviceMemoryPool {

    private static final long SMALL_LIMIT = 1L << 20;
    private static final long SMALL_GRANULE = 512;
    private static final long LARGE_GRANULE = 2L << 20;

    private final CudaContext context;
    private final Map<Long, ArrayDeque<CUdeviceptr>> free = new HashMap<>();
    private long bytesInUse;
    private long bytesCached;
    private long peakBytesInUse;
    private long driverAllocations;

    DeviceMemoryPool(CudaContext context) {
        this.context = context;
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
        p = tryDriverAllocate(size);
        if (p == null) {
            System.gc(); // unreachable tensors give their blocks back through the Cleaner
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p = takeCached(size);
            if (p != null) {
                return p;
            }
            emptyCache(); // blocks of other size classes go back to the driver
            p = tryDriverAllocate(size);
            if (p == null) {
                throw new CudaOutOfMemoryException(outOfMemoryMessage(bytes));
            }
        }
        synchronized (this) {
            driverAllocations++;
            return use(p, size);
        }
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
        free.computeIfAbsent(size, k -> new ArrayDeque<>()).push(p);
    }

    /** Gives every cached block back to the driver (after the stream has finished with them). */
    void emptyCache() {
        context.synchronize();
        synchronized (this) {
            context.bind();
            for (ArrayDeque<CUdeviceptr> list : free.values()) {
                for (CUdeviceptr p : list) {
                    JCudaDriver.cuMemFree(p);
                }
            }
            free.clear();
            bytesCached = 0;
        }
    }

    private CUdeviceptr tryDriverAllocate(long size) {
        CUdeviceptr p = new CUdeviceptr();
        context.bind();
        try {
            JCudaDriver.cuMemAlloc(p, size);
            return p;
        } catch (CudaException e) {
            if (e.getMessage() != null && e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY))) {
                return null;
            }
            throw e;
        }
    }

    private String outOfMemoryMessage(long requested) {
        long[] freeBytes = {0};
        long[] totalBytes = {0};
        try {
            context.bind();
            JCudaDriver.cuMemGetInfo(freeBytes, totalBytes);
        } catch (CudaException ignored) {
            // the numbers below then read 0; the message still names the request
        }
        synchronized (this) {
            return String.format(Locale.ROOT,
                    "CUDA out of memory on %s: cannot allocate %s; %s held by live tensors, %s free of %s. "
                            + "Use a smaller batch or patch size, or free tensors you no longer need.",
                    context.device(), gib(requested), gib(bytesInUse), gib(freeBytes[0]), gib(totalBytes[0]));
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

    synchronized long driverAllocations() {
        return driverAllocations;
    }
}
