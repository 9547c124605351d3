package dev.nucleon.core.backend;

/**
 * What {@code nucleon info} prints for one backend: its name, whether it can run ops here, and either its
 * configuration (threads, vector width, device name) or the reason it is unavailable.
 *
 * @param name      the backend's device type, e.g. {@code "cpu"}, {@code "cuda"}
 * @param available whether it can run ops on this machine
 * @param detail    its configuration when available, otherwise why not (one line)
 */
public record BackendStatus(String name, boolean available, String detail) {

    @Override
    public String toString() {
        return name + ": " + (available ? "available, " : "unavailable: ") + detail;
    }
}
