package dev.nucleon.cuda;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Storage;
import jcuda.driver.CUdeviceptr;

import java.lang.ref.Cleaner;

/**
 * Device memory holding {@link #size()} floats: a block of the device's {@link DeviceMemoryPool}. The
 * block returns to the pool when this storage becomes unreachable (a {@link Cleaner} action that holds
 * the pointer and the pool, never the storage itself).
 */
final class CudaStorage implements Storage {

    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaBackend backend;
    private final CUdeviceptr pointer;
    private final long size;

    CudaStorage(CudaBackend backend, long size) {
        this.backend = backend;
        this.size = size;
        DeviceMemoryPool pool = backend.context().memory();
        long bytes = DeviceMemoryPool.roundUp(Math.max(1, size) * Float.BYTES);
        CUdeviceptr p = pool.allocate(bytes);
        this.pointer = p;
        CLEANER.register(this, () -> pool.release(p, bytes));
    }

    CUdeviceptr pointer() {
        return pointer;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public String toString() {
        return "CudaStorage[" + size + " floats on " + backend.device() + "]";
    }
}
