package dev.nucleon.cli;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Device;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.cpu.Parallel;
import dev.nucleon.nn.Module;
import dev.nucleon.segmentation.inference.LayerFusion;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nucleon bench --model PRESET [--base B] [--up tc|us] --device cpu|cuda --batch N [--threads T] [--size H]
 * [--warmup W] [--repeats R] [--json]}: inference speed of a preset with fresh seeded weights, in eval mode with
 * batch norm folded (as {@code Predictor} runs it). After W warm-up passes, R timed forward passes on an
 * (N, C, H, H) input under no-grad; each timed pass includes, on CUDA, the input upload and the output download.
 * Prints the median (and best) milliseconds per patch and patches per second.
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

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "3", description = "Untimed passes first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "10", description = "Timed passes (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() {
        if (batch < 1 || size < 1 || warmup < 0 || repeats < 1) {
            throw new ParameterException(spec.commandLine(), "--batch, --size and --repeats must be >= 1 and --warmup "
                    + ">= 0, got " + batch + ", " + size + ", " + repeats + " and " + warmup);
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
        try (var g = Autograd.noGrad()) {
            for (int i = 0; i < warmup; i++) {
                pass(net, x, dev);
            }
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                pass(net, x, dev);
                ms[i] = (System.nanoTime() - t0) / 1e6 / batch;
            }
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = repeats % 2 == 1 ? sorted[repeats / 2] : (sorted[repeats / 2 - 1] + sorted[repeats / 2]) / 2;
        double min = sorted[0];
        double perSecond = 1000.0 / median;
        String devName = dev.isCpu() ? "cpu" : dev.type();
        int usedThreads = current;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(String.format(Locale.ROOT, "{\"model\":\"%s\",\"base\":%s,\"up\":%s,\"device\":\"%s\",\"batch\":%d,"
                    + "\"threads\":%d,\"size\":%d,\"warmup\":%d,\"repeats\":%d,\"ms_per_patch\":%.4f,"
                    + "\"min_ms_per_patch\":%.4f,\"patches_per_s\":%.3f}",
                    model, base == null ? "null" : base.toString(), up == null ? "null" : "\"" + up + "\"", devName, batch,
                    usedThreads, size, warmup, repeats, median, min, perSecond));
        } else {
            out.println(String.format(Locale.ROOT, "%s%s%s on %s, batch %d, %d thread(s), %dx%d patches, %d warm-up + %d timed passes",
                    model, base == null ? "" : " base " + base, up == null ? "" : " up " + up, devName, batch, usedThreads,
                    size, size, warmup, repeats));
            out.println(String.format(Locale.ROOT, "%.3f ms per patch (median; best %.3f), %.2f patches/s",
                    median, min, perSecond));
        }
        out.flush();
        return 0;
    }

    private static void pass(Module net, Tensor x, Device dev) {
        Tensor in = dev.isCpu() ? x : x.to(dev);
        Tensor y = net.forward(in);
        if (!dev.isCpu()) {
            y.to(Device.CPU);
        }
    }
}
