package dev.nucleon.core;

import dev.nucleon.core.cpu.CpuBackend;

/** Finds the backend for a device. (Minimal: the full registry with providers lands with the cli branch.) */
public final class Backends {

    private Backends() {
    }

    public static Backend cpu() {
        return CpuBackend.INSTANCE;
    }

    public static Backend get(Device device) {
        if (device.isCpu()) {
            return CpuBackend.INSTANCE;
        }
        throw new IllegalArgumentException("device " + device + ": no backend for it in this build");
    }
}
