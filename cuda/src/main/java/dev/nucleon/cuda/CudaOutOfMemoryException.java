package dev.nucleon.cuda;

/**
 * The GPU has no room for an allocation, even after the cached blocks were freed and unreachable tensors
 * collected. Recoverable: the tensors that exist stay valid, and a smaller batch or patch may fit.
 */
public final class CudaOutOfMemoryException extends RuntimeException {

    public CudaOutOfMemoryException(String message) {
        super(message);
    }
}
