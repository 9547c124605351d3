package dev.nucleon.cli;

import dev.nucleon.core.Backends;
import dev.nucleon.core.Device;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code --device cpu|cuda[:N] [--strict]}, shared by the commands that run a network (a picocli mixin):
 * the requested device when its backend is available; otherwise the CPU with the line
 * "CUDA unavailable: &lt;reason&gt;; falling back to CPU", or, with {@code --strict}, a failure.
 */
final class DeviceChoice {

    @Option(names = "--device", paramLabel = "cpu|cuda[:N]", defaultValue = "cpu",
            description = "Where the network runs: cpu or cuda (cuda:N for the N-th GPU); default ${DEFAULT-VALUE}.")
    String device = "cpu";

    @Option(names = "--strict", description = "Fail when --device is unavailable instead of falling back to the CPU.")
    boolean strict;

    /** The device to run on, or null after printing why the requested one cannot be used under --strict. */
    Device resolve(PrintWriter err) {
        Device requested;
        try {
            requested = Device.parse(device);
        } catch (IllegalArgumentException e) {
            return fail(err, "--device: " + e.getMessage());
        }
        if (requested.isCpu()) {
            return Device.CPU;
        }
        String reason = Backends.unavailableReason(requested).orElse(null);
        if (reason == null) {
            return requested;
        }
        String line = requested.type().toUpperCase(Locale.ROOT) + " unavailable: " + reason;
        if (strict) {
            return fail(err, line + " (--strict: not falling back to CPU)");
        }
        err.println(line + "; falling back to CPU");
        err.flush();
        return Device.CPU;
    }

    private static Device fail(PrintWriter err, String message) {
        err.println(message);
        err.flush();
        return null;
    }
}
