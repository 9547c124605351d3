package dev.nucleon.benchmarks;

import dev.nucleon.core.cpu.Parallel;
import dev.nucleon.core.cpu.VectorSupport;

/**
 * Applies a benchmark's {@code threads} / {@code kernel} parameters to the CPU backend of the forked JVM.
 *
 * <p>Both are read once, when {@link Parallel} and {@link VectorSupport} are first loaded, so they are
 * set as system properties ({@code nucleon.threads}, {@code nucleon.vector}) before anything touches
 * those classes, then checked: JMH runs every parameter combination in a fresh fork, which makes this
 * work; run in-process ({@code -f 0}) the check fails loudly instead of measuring the wrong thing.
 */
final class CpuSettings {

    private CpuSettings() {
    }

    /**
     * @param threads CPU backend threads
     * @param kernel  "vector" (Vector API micro-kernels) or "scalar" (the plain-Java fallback)
     */
    static void apply(int threads, String kernel) {
        if (!kernel.equals("vector") && !kernel.equals("scalar")) {
            throw new IllegalArgumentException("kernel must be 'vector' or 'scalar', got '" + kernel + "'");
        }
        System.setProperty("nucleon.threads", Integer.toString(threads));
        System.setProperty("nucleon.vector", Boolean.toString(kernel.equals("vector")));
        if (Parallel.threads() != threads) {
            throw new IllegalStateException("asked for " + threads + " threads but the CPU backend already runs "
                    + Parallel.threads() + ": run with at least one fork (-f 1)");
        }
        if (VectorSupport.isAvailable() != kernel.equals("vector")) {
            // VectorSupport.describe() already says how to turn the Vector API on
            throw new IllegalStateException("asked for the " + kernel + " kernel but " + VectorSupport.describe()
                    + (kernel.equals("vector") ? "" : ": run with at least one fork (-f 1)"));
        }
    }
}
