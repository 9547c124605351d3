package dev.nucleon.cuda;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Storage;
import jcuda.driver.CUdeviceptr;

import java.lang.ref.Cleaner;

/**
 * Device memory holding {@link #size()} floats: a block of the device's {@link DeviceMemoryPool}. The block
 * returns to the pool once, whichever comes first: {@link #release()} ({@link CudaBackend#release}, e.g. from
 * {@code Tensor.release()}), or this storage becoming unreachable (a {@link Cleaner} action that holds the
 * pointer and the pool, never the storage itself). After a release every use of the storage throws.
 */
final class CudaStorage implements Storage {

    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaBackend backend;
    private final CUdeviceptr pointer;
    private final long size;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean released;

    CudaStorage(CudaBackend backend, long size) {
        this.backend = backend;
        this.size = size;
        DeviceMemoryPool pool = backend.context().memory();
        long bytes = DeviceMemoryPool.roundUp(Math.max(1, size) * Float.BYTES);
        CUdeviceptr p = pool.allocate(bytes);
        this.pointer = p;
        this.cleanable = CLEANER.register(this, () -> pool.release(p, bytes));
    }

    /** The device address; throws once the storage has been released. */
    CUdeviceptr pointer() {
        if (released) {
            throw new IllegalStateException("cuda: a tensor was used after its storage was released "
                    + "(Tensor.release(), or a module that reuses intermediate activations at inference)");
        }
        return pointer;
    }

    /** Hands the block back to the pool now (at most once; the Cleaner then has nothing left to do). */
    void release() {
        released = true;
        cleanable.clean();
    }

    boolean released() {
        return released;
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
        return "CudaStorage[" + size + " floats on " + backend.device() + (released ? ", released" : "") + "]";
    }
}
