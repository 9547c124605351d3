package dev.nucleon.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Host↔device copies through two pinned (page-locked) staging buffers, so copies are asynchronous DMA on
 * the device's stream and overlap with the host filling the next chunk.
 *
 * <p>Upload: the host copies a chunk of the Java array into staging buffer k, enqueues
 * {@code cuMemcpyHtoDAsync} and records event k; before buffer k is refilled the host waits on event k
 * (not on the whole stream). So a large upload streams through the two buffers, and a small upload
 * returns as soon as its bytes are staged. Download is a synchronisation boundary by nature: chunks are
 * copied device→pinned asynchronously and the host waits for each before reading it.
 */
final class HostStaging {

    /** Bytes per staging buffer. */
    static final int CHUNK_BYTES = 8 << 20;
    private static final int CHUNK_FLOATS = CHUNK_BYTES / Float.BYTES;

    private final CudaContext context;
    private final Pointer[] host = new Pointer[2];
    private final FloatBuffer[] view = new FloatBuffer[2];
    private final CUevent[] done = new CUevent[2];
    private int next;

    HostStaging(CudaContext context) {
        this.context = context;
        context.bind();
        for (int k = 0; k < 2; k++) {
            host[k] = new Pointer();
            JCudaDriver.cuMemAllocHost(host[k], CHUNK_BYTES);
            view[k] = host[k].getByteBuffer(0, CHUNK_BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            done[k] = new CUevent();
            JCudaDriver.cuEventCreate(done[k], CUevent_flags.CU_EVENT_DISABLE_TIMING);
            JCudaDriver.cuEventRecord(done[k], context.stream());
        }
    }

    /** device[deviceOffset ..] = data[offset .. offset + length), asynchronously. */
    synchronized void upload(float[] data, int offset, int length, CUdeviceptr device, long deviceOffset) {
        context.bind();
        for (int copied = 0; copied < length; copied += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, length - copied);
            int k = next;
            next ^= 1;
            JCudaDriver.cuEventSynchronize(done[k]); // the previous copy out of buffer k has finished
            FloatBuffer b = view[k];
            b.clear();
            b.put(data, offset + copied, n);
            JCudaDriver.cuMemcpyHtoDAsync(device.withByteOffset((deviceOffset + copied) * Float.BYTES), host[k],
                    (long) n * Float.BYTES, context.stream());
            JCudaDriver.cuEventRecord(done[k], context.stream());
        }
    }

    /** target[offset .. offset + length) = device[deviceOffset ..]; waits for all earlier work on the stream. */
    synchronized void download(CUdeviceptr device, long deviceOffset, float[] target, int offset, int length) {
        context.bind();
        for (int copied = 0; copied < length; copied += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, length - copied);
            int k = next;
            next ^= 1;
            JCudaDriver.cuEventSynchronize(done[k]);
            JCudaDriver.cuMemcpyDtoHAsync(host[k], device.withByteOffset((deviceOffset + copied) * Float.BYTES),
                    (long) n * Float.BYTES, context.stream());
            JCudaDriver.cuEventRecord(done[k], context.stream());
            JCudaDriver.cuEventSynchronize(done[k]);
            FloatBuffer b = view[k];
            b.clear();
            b.get(target, offset + copied, n);
        }
    }

    synchronized void close() {
        context.bind();
        for (int k = 0; k < 2; k++) {
            JCudaDriver.cuEventSynchronize(done[k]);
            JCudaDriver.cuEventDestroy(done[k]);
            JCudaDriver.cuMemFreeHost(host[k]);
        }
    }
}
