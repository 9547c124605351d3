package dev.nucleon.opencl;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_context;
import org.jocl.cl_mem;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A caching allocator for device buffers, so that a training loop, which allocates the same sizes every step,
 * calls {@code clCreateBuffer} only in its first step (the CUDA backend's DeviceMemoryPool, for OpenCL).
 *
 * <p>Sizes are rounded up to a size class: multiples of 512 bytes below 1 MiB, multiples of 2 MiB above. A
 * released buffer ({@code Backend.release}, or its storage becoming unreachable) goes back to its class's free
 * list; an allocation takes a buffer of its exact class when one is free. Reuse is safe without waiting: every
 * command runs on the context's one in-order queue, so a kernel enqueued after a release cannot overtake those that
 * still read the buffer.
 *
 * <p>Out of memory: many drivers allocate lazily and report a failure only at a later enqueue, so the pool keeps
 * its own count and refuses, with the numbers, a request that would take the buffers held past the device's global
 * memory (or one above its largest allowed buffer), after first giving its cached buffers back and retrying.
 */
final class BufferPool {

    private static final long SMALL_LIMIT = 1L << 20;
    private static final long SMALL_GRANULE = 512;
    private static final long LARGE_GRANULE = 2L << 20;

    private final cl_context context;
    private final String device;
    private final long globalMemory;
    private final long maxAllocation;
    private final Map<Long, ArrayDeque<cl_mem>> free = new HashMap<>();
    private long bytesInUse;
    private long bytesCached;
    private long peakBytesInUse;
    private long driverAllocations;

    BufferPool(cl_context context, String device, long globalMemory, long maxAllocation) {
        this.context = context;
        this.device = device;
        this.globalMemory = globalMemory;
        this.maxAllocation = maxAllocation;
    }

    /** {@return the size class of a request of {@code bytes}} */
    static long roundUp(long bytes) {
        long b = Math.max(bytes, 1);
        long granule = b < SMALL_LIMIT ? SMALL_GRANULE : LARGE_GRANULE;
        return (b + granule - 1) / granule * granule;
    }

    /** {@return a buffer of size class {@code size} ({@link #roundUp}), cached or new} */
    synchronized cl_mem allocate(long size) {
        ArrayDeque<cl_mem> list = free.get(size);
        if (list != null && !list.isEmpty()) {
            bytesCached -= size;
            return use(list.pop(), size);
        }
        if (size > maxAllocation) {
            throw new OpenClOutOfMemoryException(message(size, "the device's largest buffer is " + bytes(maxAllocation)));
        }
        if (bytesInUse + bytesCached + size > globalMemory) {
            emptyCache();
        }
        if (bytesInUse + size > globalMemory) {
            throw new OpenClOutOfMemoryException(message(size, bytes(bytesInUse) + " held by live tensors, "
                    + bytes(globalMemory) + " on the device"));
        }
        cl_mem mem;
        try {
            mem = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE, size, null, null);
        } catch (CLException e) {
            emptyCache();
            try {
                mem = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE, size, null, null);
            } catch (CLException again) {
                throw new OpenClOutOfMemoryException(message(size, "clCreateBuffer: " + CL.stringFor_errorCode(again.getStatus())
                        + "; " + bytes(bytesInUse) + " held by live tensors"));
            }
        }
        driverAllocations++;
        return use(mem, size);
    }

    private cl_mem use(cl_mem mem, long size) {
        bytesInUse += size;
        peakBytesInUse = Math.max(peakBytesInUse, bytesInUse);
        return mem;
    }

    /** Returns a buffer of size class {@code size} to the cache; callable from any thread (the Cleaner's). */
    synchronized void release(cl_mem mem, long size) {
        bytesInUse -= size;
        bytesCached += size;
        free.computeIfAbsent(size, k -> new ArrayDeque<>()).push(mem);
    }

    /** Gives every cached buffer back to the driver (buffers in use are untouched). */
    synchronized void emptyCache() {
        for (ArrayDeque<cl_mem> list : free.values()) {
            list.forEach(CL::clReleaseMemObject);
        }
        free.clear();
        bytesCached = 0;
    }

    private String message(long requested, String detail) {
        return String.format(Locale.ROOT, "OpenCL out of memory on %s: cannot allocate %s; %s. "
                + "Use a smaller batch or patch size, or free tensors you no longer need.", device, bytes(requested), detail);
    }

    static String bytes(long bytes) {
        return bytes >= (1L << 30) ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }

    synchronized String statistics() {
        return String.format(Locale.ROOT, "%s in use (peak %s), %s cached, %d clCreateBuffer calls",
                bytes(bytesInUse), bytes(peakBytesInUse), bytes(bytesCached), driverAllocations);
    }

    synchronized long bytesInUse() {
        return bytesInUse;
    }

    synchronized long driverAllocations() {
        return driverAllocations;
    }
}
