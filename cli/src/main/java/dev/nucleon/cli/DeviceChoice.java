package dev.nucleon.cli;

import dev.nucleon.core.BackendStatus;
import dev.nucleon.core.Backends;
import dev.nucleon.core.Device;

import java.io.PrintWriter;

/** {@code --device cpu|cuda}: the requested device when its backend is available, else the CPU with a note. */
final class DeviceChoice {
    private DeviceChoice() {
    }

    static Device resolve(String name, PrintWriter err) {
        Device requested = Device.parse(name);
        if (requested.isCpu()) {
            return Device.CPU;
        }
        String reason = null;
        for (BackendStatus s : Backends.statuses()) {
            if (s.name().equalsIgnoreCase(requested.type()) && !s.available()) {
                reason = s.detail();
            }
        }
        if (reason == null) {
            try {
                Backends.get(requested);
                return requested;
            } catch (RuntimeException e) {
                reason = e.getMessage();
            }
        }
        err.println(requested.type().toUpperCase(java.util.Locale.ROOT) + " unavailable: " + reason
                + "; falling back to CPU");
        err.flush();
        return Device.CPU;
    }
}
