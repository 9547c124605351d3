package dev.nucleon.core;

/**
 * A backend found on the class path through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.nucleon.core.BackendProvider}). The CPU backend is built in; GPU backends
 * (CUDA, OpenCL) register a provider so that core never links against them.
 */
public interface BackendProvider {

    /** The device type this provider serves, e.g. {@code "cuda"}. */
    String name();

    /**
     * Probes the hardware and driver once. Never throws for a missing GPU or driver: the status says why.
     */
    BackendStatus probe();

    /** The backend for this device; only called after {@link #probe()} reported it available. */
    Backend open(Device device);
}
