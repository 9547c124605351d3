package dev.nucleon.core.backend;

import dev.nucleon.core.Device;

/**
 * A backend found on the class path through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.nucleon.core.backend.BackendProvider}). The CPU backend is built in; GPU backends
 * (CUDA, OpenCL) register a provider so that core never links against them.
 */
public interface BackendProvider {

    /** {@return the device type this provider serves, e.g. {@code "cuda"}} */
    String name();

    /**
     * Probes the hardware and driver once. Never throws for a missing GPU or driver: the status says why.
     *
     * @return whether the backend can run here, with its configuration or the reason it cannot
     */
    BackendStatus probe();

    /**
     * Opens the backend for one device; only called after {@link #probe()} reported it available.
     *
     * @param device a device of this provider's type, e.g. {@code cuda:0}
     * @return the backend that runs ops on that device
     */
    Backend open(Device device);
}
