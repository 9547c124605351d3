package dev.nucleon.cuda;

import dev.nucleon.core.Device;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CUDA tests without Maven, for {@code cuda/gpu-check.sh} on a GPU machine that has only a JRE: runs the
 * test classes named on the command line (default: every GPU test of this module and the host-side ones that
 * need no source tree) through the JUnit platform launcher and writes {@code OUT/tests.json}: the probe's
 * result, counts, and one row per test (status, seconds, first line of the failure). Exit status 0 when nothing
 * failed, 1 otherwise.
 *
 * <pre>java -cp 'lib/*:test-classes:…' dev.nucleon.cuda.GpuCheckMain OUT [TestClass …]</pre>
 */
public final class GpuCheckMain {

    /** The classes run by default: the GPU suites first, then the GPU-less host-side tests. */
    static final List<String> DEFAULT_CLASSES = List.of(
            "CudaProbeTest", "CudaConformanceTest", "CudaVsCpuTest", "CudaVsCpuComputeTest", "CudaUNetTrainingStepTest",
            "CudaMemoryTest", "LaunchShapeTest", "ComputeLaunchShapeTest", "DeviceMemoryPoolTest", "KernelIndexingTest",
            "CudaVsCpuHarnessTest", "CudaKernelCoverageTest");

    private GpuCheckMain() {
    }

    private record Row(String test, String status, double seconds, String message) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: GpuCheckMain OUT_DIR [TestClass ...]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        List<String> classes = args.length > 1 ? List.of(args).subList(1, args.length) : DEFAULT_CLASSES;
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (String c : classes) {
            request.selectors(DiscoverySelectors.selectClass(c.contains(".") ? c : "dev.nucleon.cuda." + c));
        }
        LauncherDiscoveryRequest discovery = request.build();
        List<Row> rows = new ArrayList<>();
        long[] started = new long[1];
        java.util.Map<String, Long> starts = new java.util.HashMap<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionStarted(TestIdentifier id) {
                starts.put(id.getUniqueId(), System.nanoTime());
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                rows.add(new Row(name(id), "skipped", 0, reason));
                System.out.println("SKIPPED " + name(id) + ": " + reason);
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                    return;
                }
                double seconds = (System.nanoTime() - starts.getOrDefault(id.getUniqueId(), System.nanoTime())) / 1e9;
                String status = switch (result.getStatus()) {
                    case SUCCESSFUL -> "passed";
                    case ABORTED -> "skipped";
                    case FAILED -> "failed";
                };
                String message = result.getThrowable().map(t -> firstLine(t.toString())).orElse("");
                rows.add(new Row(name(id), status, seconds, message));
                System.out.printf(Locale.ROOT, "%-7s %s (%.1f s)%s%n", status.toUpperCase(Locale.ROOT), name(id), seconds,
                        message.isEmpty() ? "" : ": " + message);
            }
        };
        started[0] = System.nanoTime();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(discovery, listener);
        double total = (System.nanoTime() - started[0]) / 1e9;
        long passed = rows.stream().filter(r -> r.status().equals("passed")).count();
        long failed = rows.stream().filter(r -> r.status().equals("failed")).count();
        long skipped = rows.stream().filter(r -> r.status().equals("skipped")).count();
        CudaProbe.Result probe = CudaProbe.result();
        String memory = "";
        if (probe.available()) {
            try {
                memory = CudaProvider.backend(new Device("cuda", 0)).status().toString();
            } catch (RuntimeException e) {
                memory = "status failed: " + firstLine(e.toString());
            }
        }
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"probe\": {\"available\": ").append(probe.available()).append(", \"reason\": ").append(quote(probe.reason()))
                .append(", \"devices\": ").append(list(probe.devices())).append(", \"skipped\": ").append(list(probe.skipped()))
                .append("},\n");
        json.append("  \"cuda0\": ").append(quote(memory)).append(",\n");
        json.append(String.format(Locale.ROOT, "  \"passed\": %d, \"failed\": %d, \"skipped\": %d, \"seconds\": %.1f,%n",
                passed, failed, skipped, total));
        json.append("  \"tests\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            json.append(String.format(Locale.ROOT, "    {\"test\": %s, \"status\": \"%s\", \"seconds\": %.2f, \"message\": %s}%s%n",
                    quote(r.test()), r.status(), r.seconds(), quote(r.message()), i + 1 < rows.size() ? "," : ""));
        }
        json.append("  ]\n}\n");
        Files.writeString(out.resolve("tests.json"), json, StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "cuda tests: %d passed, %d failed, %d skipped in %.0f s; probe: %s%n", passed, failed,
                skipped, total, probe.available() ? String.join("; ", probe.devices()) : "unavailable: " + probe.reason());
        System.exit(failed == 0 ? 0 : 1);
    }

    private static String name(TestIdentifier id) {
        String className = id.getSource().map(s -> s instanceof org.junit.platform.engine.support.descriptor.MethodSource m
                ? m.getClassName().replace("dev.nucleon.cuda.", "") + "." : "").orElse("");
        return className + id.getDisplayName();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String list(List<String> items) {
        List<String> quoted = new ArrayList<>();
        for (String s : items) {
            quoted.add(quote(s));
        }
        return "[" + String.join(", ", quoted) + "]";
    }
}
