package dev.nucleon.opencl;

/** Thrown when OpenCL is asked for but cannot run here; the message says why (no loader, no platform, no device, a kernel build failure). */
public final class OpenClUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    /**
     * @param reason one line: what is missing or failed
     */
    public OpenClUnavailableException(String reason) {
        super("OpenCL unavailable: " + reason);
        this.reason = reason;
    }

    /** {@return the reason alone, without the "OpenCL unavailable: " prefix} */
    public String reason() {
        return reason;
    }
}
