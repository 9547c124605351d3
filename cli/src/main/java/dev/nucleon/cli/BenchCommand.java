package dev.nucleon.cli;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Device;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.cpu.Parallel;
import dev.nucleon.nn.Module;
import dev.nucleon.segmentation.inference.LayerFusion;

import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nucleon bench --model PRESET [--base B] [--up tc|us] --device cpu|cuda --batch N [--threads T] [--size H]
 * [--warmup W|auto] [--repeats R] [--json]}: inference speed of a preset with fresh seeded weights, in eval mode
 * with batch norm folded (as {@code Predictor} runs it). After the warm-up ({@code auto}: until the times are
 * steady, see {@link Warmup}), R timed forward passes on an (N, C, H, H) input under no-grad; each timed pass
 * includes, on CUDA, the input upload and the output download. With {@code auto}, timed passes that drift (their
 * halves' medians more than 10 % apart: a JIT compilation landed among them) are taken again, at most 5 times.
 * Prints the median, best and 10th–90th percentile milliseconds per patch, the spread (half the 10–90 range over
 * the median) and patches per second.
 *
 * <p>{@code --threads}: the CPU thread pool is sized once per JVM from {@code -Dnucleon.threads}, so a different
 * count is an error that says to set {@code NUCLEON_JAVA_OPTS=-Dnucleon.threads=T}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time per-patch inference of a preset (fresh seeded weights, batch norm folded).")
final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "PRESET", description = "A network preset (see nucleon summary).")
    String model;

    @Option(names = "--base", paramLabel = "B", description = "Filters of the first level (U-Net family).")
    Integer base;

    @Option(names = "--up", paramLabel = "tc|us", description = "unet-plus up-sampling: tc or us.")
    String up;

    @Mixin
    DeviceChoice devices = new DeviceChoice();

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Patches per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", paramLabel = "T",
            description = "CPU threads; must equal the JVM's -Dnucleon.threads (default: that value).")
    Integer threads;

    @Option(names = "--size", paramLabel = "H", defaultValue = "256", description = "Patch height = width (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--warmup", paramLabel = "W|auto", defaultValue = "auto", description = "Untimed passes first: a "
            + "number, or auto (default): until the JIT has settled, see below.")
    String warmup;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "10", description = "Timed passes (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() {
        int fixedWarmup = warmup.equals("auto") ? -1 : parseWarmup(warmup);
        if (batch < 1 || size < 1 || repeats < 1) {
            throw new ParameterException(spec.commandLine(), "--batch, --size and --repeats must be >= 1, got " + batch
                    + ", " + size + " and " + repeats);
        }
        int current = Parallel.threads();
        if (threads != null && threads != current) {
            throw new ParameterException(spec.commandLine(), "--threads " + threads + " but this JVM's CPU pool has "
                    + current + " threads (fixed at start-up); run with NUCLEON_JAVA_OPTS=-Dnucleon.threads=" + threads);
        }
        devices.validate();
        ModelSource src;
        try {
            src = ModelSource.preset(model, base, up);
        } catch (ModelSource.BadOption e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        Device dev = devices.resolve(err);
        if (dev == null) {
            return 1;
        }
        Module net = src.model;
        LayerFusion.forInference(net);
        net.to(dev);
        Random r = new Random(1);
        float[] v = new float[batch * src.inChannels * size * size];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        Tensor x = Tensor.of(v, batch, src.inChannels, size, size);
        double[] ms = new double[repeats];
        Warmup done;
        int retakes = 0;
        try (var g = Autograd.noGrad()) {
            done = fixedWarmup >= 0 ? Warmup.fixed(fixedWarmup, () -> pass(net, x, dev))
                    : Warmup.untilSteady(() -> pass(net, x, dev));
            while (true) {
                for (int i = 0; i < repeats; i++) {
                    long t0 = System.nanoTime();
                    pass(net, x, dev);
                    ms[i] = (System.nanoTime() - t0) / 1e6 / batch;
                }
                // a JIT compilation that lands during the timed passes makes them two populations: take them again
                if (fixedWarmup >= 0 || !Warmup.drifts(ms) || retakes == Warmup.MAX_RETAKES) {
                    break;
                }
                retakes++;
            }
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = quantile(sorted, 0.5);
        double min = sorted[0];
        double p10 = quantile(sorted, 0.1);
        double p90 = quantile(sorted, 0.9);
        double perSecond = 1000.0 / median;
        String devName = dev.isCpu() ? "cpu" : dev.type();
        int usedThreads = current;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(String.format(Locale.ROOT, "{\"model\":\"%s\",\"base\":%s,\"up\":%s,\"device\":\"%s\",\"batch\":%d,"
                    + "\"threads\":%d,\"size\":%d,\"warmup\":%d,\"warmup_seconds\":%.2f,\"warmup_steady\":%s,"
                    + "\"repeats\":%d,\"timed_retakes\":%d,\"ms_per_patch\":%.4f,\"min_ms_per_patch\":%.4f,\"p10_ms_per_patch\":%.4f,"
                    + "\"p90_ms_per_patch\":%.4f,\"patches_per_s\":%.3f}",
                    model, base == null ? "null" : base.toString(), up == null ? "null" : "\"" + up + "\"", devName, batch,
                    usedThreads, size, done.passes(), done.seconds(), done.steady(), repeats, retakes, median, min, p10, p90,
                    perSecond));
        } else {
            out.println(String.format(Locale.ROOT, "%s%s%s on %s, batch %d, %d thread(s), %dx%d patches, %d warm-up "
                    + "passes (%.1f s%s) + %d timed passes", model, base == null ? "" : " base " + base,
                    up == null ? "" : " up " + up, devName, batch, usedThreads, size, size, done.passes(), done.seconds(),
                    fixedWarmup >= 0 ? "" : done.steady() ? ", steady" : ", NOT steady: the times still drift, the "
                    + "figures are rough", repeats) + (retakes == 0 ? "" : String.format(Locale.ROOT, " (taken %d "
                    + "time(s) more: the timed passes drifted%s)", retakes, Warmup.drifts(ms) ? ", and still do: the "
                    + "figures are rough" : "")));
            out.println(String.format(Locale.ROOT, "%.3f ms per patch (median; best %.3f, 10-90 %% %.3f-%.3f, spread "
                    + "±%.1f %%), %.2f patches/s", median, min, p10, p90, 50 * (p90 - p10) / median, perSecond));
        }
        out.flush();
        return 0;
    }

    private int parseWarmup(String w) {
        try {
            int n = Integer.parseInt(w.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ParameterException(spec.commandLine(), "--warmup must be auto or a number >= 0, got '" + w + "'");
    }

    /** Linear interpolation between order statistics of {@code sorted} at quantile q ∈ [0, 1]. */
    static double quantile(double[] sorted, double q) {
        double at = q * (sorted.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * The warm-up a run did. {@code auto} runs windows of {@value #WINDOW} passes until the median of a window is
     * within {@value #STEADY} (relative) of the previous window's, the JIT compiled (almost) nothing during the
     * window, and at least {@value #MIN_SECONDS} s have passed
     * (the JIT compiles the large kernels after a few seconds of running them; a few passes of a small network take
     * milliseconds), giving up after {@value #MAX_SECONDS} s (then {@code steady} is false and says so).
     */
    record Warmup(int passes, double seconds, boolean steady) {
        static final int WINDOW = 5;
        static final double STEADY = 0.05;
        /** Relative difference between the medians of the timed passes' halves above which they are taken again. */
        static final double DRIFT = 0.10;
        /** Most times the timed passes are taken again when they drift. */
        static final int MAX_RETAKES = 5;
        /** JIT compilation time a steady window may still see, milliseconds. */
        static final long JIT_QUIET_MS = 5;
        static final double MIN_SECONDS = 3;
        static final double MAX_SECONDS = 120;

        /**
         * Whether timed passes drifted: the medians of their first and last halves differ by more than
         * {@value #DRIFT} of the smaller (a two-window steadiness test can pass on a plateau before a larger kernel
         * is compiled; unet at base 16 then timed 51 ms against 28 ms once compiled, on the same machine).
         *
         * @param ms the timed passes in order, milliseconds
         * @return true when they drifted; false for fewer than 4 passes
         */
        static boolean drifts(double[] ms) {
            int h = ms.length / 2;
            if (h < 2) {
                return false;
            }
            double a = medianOf(Arrays.copyOfRange(ms, 0, h));
            double b = medianOf(Arrays.copyOfRange(ms, ms.length - h, ms.length));
            return Math.abs(a - b) > DRIFT * Math.min(a, b);
        }

        private static double medianOf(double[] v) {
            Arrays.sort(v);
            return quantile(v, 0.5);
        }

        static Warmup fixed(int n, Runnable pass) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                pass.run();
            }
            return new Warmup(n, (System.nanoTime() - t0) / 1e9, false);
        }

        static Warmup untilSteady(Runnable pass) {
            return untilSteady(pass, BenchCommand::jitMillis);
        }

        /**
         * As {@link #untilSteady(Runnable)}, also waiting until the JIT is quiet: {@code jitMillis} (total
         * compilation time so far, or -1 when unknown) grew by at most {@value #JIT_QUIET_MS} ms during the window.
         * The compiler threads share the cores with the passes, so how soon the large kernels are compiled depends on
         * the machine's speed, not only on how many passes ran.
         */
        static Warmup untilSteady(Runnable pass, LongSupplier jitMillis) {
            long start = System.nanoTime();
            double previous = Double.NaN;
            int passes = 0;
            while (true) {
                long jitBefore = jitMillis.getAsLong();
                double[] window = new double[WINDOW];
                for (int i = 0; i < WINDOW; i++) {
                    long t0 = System.nanoTime();
                    pass.run();
                    window[i] = System.nanoTime() - t0;
                    passes++;
                }
                Arrays.sort(window);
                double median = window[WINDOW / 2];
                double elapsed = (System.nanoTime() - start) / 1e9;
                long jitAfter = jitMillis.getAsLong();
                boolean jitQuiet = jitBefore < 0 || jitAfter - jitBefore <= JIT_QUIET_MS;
                boolean settled = Math.abs(median - previous) <= STEADY * previous && jitQuiet;
                if (settled && elapsed >= MIN_SECONDS) {
                    return new Warmup(passes, elapsed, true);
                }
                if (elapsed >= MAX_SECONDS) {
                    return new Warmup(passes, elapsed, false);
                }
                previous = median;
            }
        }
    }

    /** {@return the JVM's total JIT compilation time so far in milliseconds, or -1 when it does not say} */
    static long jitMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    private static void pass(Module net, Tensor x, Device dev) {
        Tensor in = dev.isCpu() ? x : x.to(dev);
        Tensor y = net.forward(in);
        if (!dev.isCpu()) {
            y.to(Device.CPU);
        }
    }
}
