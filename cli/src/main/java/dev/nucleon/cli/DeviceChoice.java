package dev.nucleon.cli;

import dev.nucleon.core.backend.BackendStatus;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.Device;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code --device cpu|cuda[:N] [--strict]}, shared by the commands that run a network (a picocli mixin):
 * the requested device when its backend is available; otherwise the CPU with the line
 * "CUDA unavailable: &lt;reason&gt;; falling back to CPU", or, with {@code --strict}, a failure. A device that is
 * not one of the backends Nucleon knows ({@code tpu}) or a negative index ({@code cuda:-1}) is a usage error.
 */
final class DeviceChoice {
    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--device", paramLabel = "cpu|cuda[:N]", defaultValue = "cpu",
            description = "Where the network runs: cpu or cuda (cuda:N for the N-th GPU); default ${DEFAULT-VALUE}.")
    String device = "cpu";

    @Option(names = "--strict", description = "Fail when --device is unavailable instead of falling back to the CPU.")
    boolean strict;

    /**
     * Checks {@code --device} names a backend Nucleon knows (cpu, cuda, or one on the class path) with an index
     * >= 0; otherwise a usage error of the command. {@link #resolve} checks this too; commands call it first
     * to refuse a bad device before any work.
     */
    Device validate() {
        Device requested;
        try {
            requested = Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--device " + device + ": "
                    + e.getMessage().replaceFirst("^device: ", ""));
        }
        if (requested.isCpu()) {
            return requested;
        }
        java.util.Set<String> known = new java.util.TreeSet<>(java.util.List.of("cpu", "cuda"));
        for (BackendStatus s : Backends.statuses()) {
            known.add(s.name().toLowerCase(Locale.ROOT));
        }
        if (!known.contains(requested.type())) {
            throw new ParameterException(spec.commandLine(), "--device: unknown device '" + device + "' (known: "
                    + String.join(", ", known) + "; cuda:N for the N-th GPU)");
        }
        return requested;
    }

    /** The device to run on, or null after printing why the requested one cannot be used under --strict. */
    Device resolve(PrintWriter err) {
        Device requested = validate();
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
