package dev.nucleon.core.cpu;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Storage;

/** A float[] on the Java heap; after {@link CpuBackend#release} it has none and every use of it throws. */
final class CpuStorage implements Storage {

    private final int length;
    private float[] data;

    CpuStorage(float[] data) {
        this.data = data;
        this.length = data.length;
    }

    /** The array, or an exception naming the problem once the storage has been released. */
    float[] data() {
        float[] d = data;
        if (d == null) {
            throw new IllegalStateException("cpu: a tensor was used after its storage was released "
                    + "(Tensor.release(), or a module that reuses intermediate activations at inference)");
        }
        return d;
    }

    /** Detaches and returns the array (null if already released). */
    float[] detach() {
        float[] d = data;
        data = null;
        return d;
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public Backend backend() {
        return CpuBackend.INSTANCE;
    }
}
