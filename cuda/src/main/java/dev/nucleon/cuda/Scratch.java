package dev.nucleon.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * Temporary device memory for the kernels of one op (split-K partial sums, per-channel sums), taken from
 * the device's pool and given back by {@link #close()} as soon as those kernels are enqueued. That is safe
 * without waiting: the pool hands a block out again only to work enqueued later on the same stream, which
 * runs after the kernels that use it here (see {@link DeviceMemoryPool}).
 */
final class Scratch implements AutoCloseable {

    private final DeviceMemoryPool pool;
    private final long bytes;
    private final CUdeviceptr pointer;

    Scratch(CudaContext context, long floats) {
        this.pool = context.memory();
        this.bytes = DeviceMemoryPool.roundUp(Math.max(1, floats) * Float.BYTES);
        this.pointer = pool.allocate(bytes);
    }

    /** The address {@code floats} floats into the block. */
    CUdeviceptr at(long floats) {
        return pointer.withByteOffset(floats * Float.BYTES);
    }

    @Override
    public void close() {
        pool.release(pointer, bytes);
    }
}
