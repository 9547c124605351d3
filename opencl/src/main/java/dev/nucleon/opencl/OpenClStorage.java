package dev.nucleon.opencl;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Storage;
import org.jocl.cl_mem;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A device buffer holding {@link #size()} floats: a buffer of the context's {@link BufferPool}. It returns to the
 * pool at {@code Backend.release} or, failing that, when this storage becomes unreachable (a {@link Cleaner} action
 * that holds the buffer and the pool, never the storage itself); whichever comes first, once.
 */
final class OpenClStorage implements Storage {

    private static final Cleaner CLEANER = Cleaner.create();

    private final OpenClBackend backend;
    private final cl_mem buffer;
    private final long size;
    private final AtomicBoolean released = new AtomicBoolean();
    private final Cleaner.Cleanable cleanable;

    OpenClStorage(OpenClBackend backend, long size) {
        this.backend = backend;
        this.size = size;
        BufferPool pool = backend.context().pool();
        long bytes = BufferPool.roundUp(Math.max(1, size) * Float.BYTES);
        cl_mem mem = pool.allocate(bytes);
        this.buffer = mem;
        AtomicBoolean flag = released;
        this.cleanable = CLEANER.register(this, () -> {
            if (flag.compareAndSet(false, true)) {
                pool.release(mem, bytes);
            }
        });
    }

    /** {@return the buffer; an error once the storage was released} */
    cl_mem buffer() {
        if (released.get()) {
            throw new IllegalStateException("opencl: " + this + " was released and may not be used again");
        }
        return buffer;
    }

    /** Hands the buffer back to the pool now (idempotent). */
    void release() {
        cleanable.clean();
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
        return "OpenClStorage[" + size + " floats on " + backend.device() + "]";
    }
}
