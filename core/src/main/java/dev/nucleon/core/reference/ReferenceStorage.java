package dev.nucleon.core.reference;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Storage;

/** A float[] on the Java heap, owned by the {@link ReferenceBackend}. */
final class ReferenceStorage implements Storage {

    final float[] data;

    ReferenceStorage(float[] data) {
        this.data = data;
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public Backend backend() {
        return ReferenceBackend.INSTANCE;
    }

    @Override
    public String toString() {
        return "reference storage of " + data.length + " floats";
    }
}
