package dev.nucleon.opencl;

/** Thrown when the device cannot hold another buffer even after the pool gave its cached ones back; the message has the numbers. */
public final class OpenClOutOfMemoryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was requested, what is in use and what the device has
     */
    public OpenClOutOfMemoryException(String message) {
        super(message);
    }
}
