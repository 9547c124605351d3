package dev.nucleon.cuda;

/** Thrown when CUDA is asked for but cannot run here; the message says why (no driver, no device, …). */
public final class CudaUnavailableException extends RuntimeException {

    public CudaUnavailableException(String reason) {
        super("CUDA unavailable: " + reason);
    }
}
