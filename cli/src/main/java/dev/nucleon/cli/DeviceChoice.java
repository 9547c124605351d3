package dev.nucleon.cli;

import dev.nucleon.core.Backends;
import dev.nucleon.core.Device;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code --device cpu|cuda}: the requested device when its backend is available, else the CPU with the note
 * {@code "CUDA unavailable: <reason>; falling back to CPU"}, or (strict) an error with the same reason.
 */
final class DeviceChoice {
    private DeviceChoice() {
    }

    static Device resolve(String name, PrintWriter err) {
        return resolve(name, err, false);
    }

    /**
     * @param strict fail instead of falling back to the CPU
     * @throws IllegalArgumentException when strict and the device is unavailable: {@code "CUDA unavailable: …"}
     */
    static Device resolve(String name, PrintWriter err, boolean strict) {
        Device requested = Device.parse(name);
        Optional<String> reason = Backends.unavailableReason(requested);
        if (reason.isEmpty()) {
            return requested.isCpu() ? Device.CPU : requested;
        }
        String unavailable = requested.type().toUpperCase(Locale.ROOT) + " unavailable: " + reason.get();
        if (strict) {
            throw new IllegalArgumentException(unavailable + " (--strict: not falling back to CPU)");
        }
        err.println(unavailable + "; falling back to CPU");
        err.flush();
        return Device.CPU;
    }
}
