package dev.nucleon.core.cpu;

import dev.nucleon.core.Backend;
import dev.nucleon.core.Storage;

/** A float[] on the Java heap. */
final class CpuStorage implements Storage {

    final float[] data;

    CpuStorage(float[] data) {
        this.data = data;
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public Backend backend() {
        return CpuBackend.INSTANCE;
    }
}
