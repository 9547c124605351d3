package dev.nucleon.benchmarks;

import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.Device;

import java.util.Locale;

/**
 * The {@code backend} parameter of the network benchmarks: {@code cpu} (threads from {@code threads}, Vector API
 * kernels), {@code cuda} or {@code opencl} ({@code cuda:N}, {@code opencl:N}). An unavailable device fails the
 * benchmark's setup with {@code "CUDA unavailable: <reason>"} (or {@code "OPENCL unavailable: <reason>"}), which JMH prints before moving on to the next parameter combination (when
 * run without {@code -foe true}); it never silently measures the CPU instead.
 */
public final class BackendChoice {

    private BackendChoice() {
    }

    /** Applies the CPU settings ({@link CpuSettings}) and returns the device to run on. */
    public static Device select(String backend, int threads) {
        CpuSettings.apply(threads, "vector");
        Device device = Device.parse(backend);
        Backends.unavailableReason(device).ifPresent(reason -> {
            throw new IllegalStateException(device.type().toUpperCase(Locale.ROOT) + " unavailable: " + reason);
        });
        return device.isCpu() ? Device.CPU : device;
    }
}
