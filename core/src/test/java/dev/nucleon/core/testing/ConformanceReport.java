package dev.nucleon.core.testing;

import dev.nucleon.core.Device;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collects the worst errors of every {@link OpCheck} run, per device and op family, and prints them as a
 * table after a suite: how close each backend runs to the tolerances in {@link Tolerances}.
 *
 * <p>Columns: checks and compared output values; the worst absolute error, the worst error relative to
 * the largest magnitude of the compared tensor ("scaled"), and the largest fraction of the allowed
 * tolerance used — for the forward pass and for the gradients.
 */
public final class ConformanceReport {

    private static final Map<Device, Map<String, Family>> RESULTS = new ConcurrentHashMap<>();

    private ConformanceReport() {
    }

    private static final class Family {
        int checks;
        long values;
        double forwardError;
        double forwardScaled;
        double forwardUsed;
        double gradientError;
        double gradientScaled;
        double gradientUsed;
    }

    static void record(Device device, OpCheck.Result r) {
        Family f = RESULTS.computeIfAbsent(device, d -> new ConcurrentHashMap<>())
                .computeIfAbsent(r.family(), k -> new Family());
        synchronized (f) {
            f.checks++;
            f.values += r.values();
            f.forwardError = Math.max(f.forwardError, r.forwardError());
            f.forwardScaled = Math.max(f.forwardScaled, r.forwardScaled());
            f.forwardUsed = Math.max(f.forwardUsed, r.forwardUsed());
            f.gradientError = Math.max(f.gradientError, r.gradientError());
            f.gradientScaled = Math.max(f.gradientScaled, r.gradientScaled());
            f.gradientUsed = Math.max(f.gradientUsed, r.gradientUsed());
        }
    }

    /** Number of op checks run so far on {@code device}. */
    public static int checks(Device device) {
        return RESULTS.getOrDefault(device, Map.of()).values().stream().mapToInt(f -> f.checks).sum();
    }

    /** The table for {@code device}. */
    public static String table(Device device) {
        Map<String, Family> byFamily = new TreeMap<>(RESULTS.getOrDefault(device, Map.of()));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "op conformance on %s: %d op checks%n", device, checks(device)));
        sb.append(String.format(Locale.ROOT, "%-18s %6s %8s | %10s %10s %6s | %10s %10s %6s%n", "family", "checks",
                "values", "fwd abs", "fwd scaled", "used", "grad abs", "grad scld", "used"));
        for (Map.Entry<String, Family> e : byFamily.entrySet()) {
            Family f = e.getValue();
            sb.append(String.format(Locale.ROOT, "%-18s %6d %8d | %10.2e %10.2e %5.1f%% | %10.2e %10.2e %5.1f%%%n",
                    e.getKey(), f.checks, f.values, f.forwardError, f.forwardScaled, 100 * f.forwardUsed,
                    f.gradientError, f.gradientScaled, 100 * f.gradientUsed));
        }
        return sb.toString();
    }
}
