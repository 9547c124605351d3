package dev.nucleon.core.backend;

/**
 * A flat float32 buffer owned by a {@link Backend}: a Java array on the CPU, device memory on a GPU.
 * Tensors view storage as contiguous row-major (NCHW) data; only the backend that made a storage reads it.
 */
public interface Storage {

    /** {@return number of float elements} */
    long size();

    /** {@return the backend that allocated this storage and runs ops on it} */
    Backend backend();
}
