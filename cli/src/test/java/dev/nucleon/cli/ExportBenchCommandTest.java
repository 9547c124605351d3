package dev.nucleon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.Device;
import dev.nucleon.core.cpu.Parallel;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.nn.io.Json;
import dev.nucleon.segmentation.networks.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nucleon export} and {@code nucleon bench}, in process. */
class ExportBenchCommandTest {

    @Test
    void exportsPreset(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("unet.onnx");
        Run r = Run.of("export", "--model", "unet", "--base", "8", "--onnx", out.toString(), "--size", "32");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Files.size(out) > 8 * 4 * 1000, r.toString());
        assertTrue(r.out().contains("Wrote"), r.toString());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
        if (Files.getFileStore(out).supportsFileAttributeView("posix")) { // issue 17: was 0600, the temp file's
            assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(out)));
        }
    }

    @Test
    void exportsModelFile(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.safetensors");
        Checkpoint.save(model, Presets.build("unet-plus", Map.of("base", 4, "up", "us")));
        Path out = dir.resolve("m.onnx");
        Run r = Run.of("export", "--model", model.toString(), "--onnx", out.toString(), "--size", "32");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Files.size(out) > 0, r.toString());
        assertTrue(!r.out().contains("colour model"), r.toString());

        Path pair = dir.resolve("pair.safetensors");
        Checkpoint.save(pair, Presets.build("unet-plus", Map.of("base", 4, "up", "us")),
                Map.of(dev.nucleon.segmentation.inference.Predictor.META_COLOUR_MODEL, "m.safetensors"));
        Run p = Run.of("export", "--model", pair.toString(), "--onnx", dir.resolve("pair.onnx").toString(), "--size", "32");
        assertEquals(0, p.exitCode(), p.toString());
        assertTrue(p.out().contains("colour model m.safetensors") && p.out().contains("--model " + model), p.toString());
    }

    @Test
    void exportRejectsUnknownModel(@TempDir Path dir) {
        Run r = Run.of("export", "--model", "no-such", "--onnx", dir.resolve("x.onnx").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no preset"), r.toString());
    }

    @Test
    void benchText() {
        Run r = Run.of("bench", "--model", "unet", "--base", "8", "--batch", "2", "--size", "32", "--warmup", "1",
                "--repeats", "2");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("ms per patch (median"), r.toString());
        assertTrue(r.out().contains("patches/s"), r.toString());
    }

    @Test
    void benchWarmsUpUntilSteadyByDefaultAndPrintsTheSpread() {
        Run r = Run.of("bench", "--model", "unet", "--base", "4", "--size", "32", "--repeats", "5", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        Map<?, ?> parsed = (Map<?, ?>) Json.parse(r.out().trim());
        int passes = (int) ((Json.Number) parsed.get("warmup")).doubleValue();
        double seconds = ((Json.Number) parsed.get("warmup_seconds")).doubleValue();
        boolean steady = parsed.get("warmup_steady") == Boolean.TRUE;
        assertTrue(passes >= 10 && passes % 5 == 0, "at least two windows of five: " + r);
        assertTrue(steady ? seconds >= 3 : seconds >= 120, "steady only after the minimum, else the cap: " + r);
        double p10 = ((Json.Number) parsed.get("p10_ms_per_patch")).doubleValue();
        double p90 = ((Json.Number) parsed.get("p90_ms_per_patch")).doubleValue();
        double best = ((Json.Number) parsed.get("min_ms_per_patch")).doubleValue();
        assertTrue(best <= p10 && p10 <= p90, r.toString());

        Run text = Run.of("bench", "--model", "unet", "--base", "4", "--size", "32", "--repeats", "3", "--warmup", "2");
        assertTrue(text.out().contains("2 warm-up passes") && text.out().contains("spread ±"), text.toString());
        Run bad = Run.of("bench", "--model", "unet", "--base", "4", "--warmup", "soon");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("--warmup must be auto or a number"), bad.toString());
    }

    @Test
    void timedPassesThatFormTwoPopulationsDrift() {
        // the unet base-16 run that was taken for a steady one: 51 ms until a kernel was compiled, 28 ms after
        assertTrue(BenchCommand.Warmup.drifts(new double[] {53, 52, 51, 52, 51, 29, 28, 28, 29, 28}));
        assertTrue(BenchCommand.Warmup.drifts(new double[] {28, 29, 28, 28, 29, 40, 41, 40, 42, 40}), "slower too");
        assertTrue(!BenchCommand.Warmup.drifts(new double[] {28, 29, 31, 28, 27, 28, 30, 28, 29, 28}), "noise");
        assertTrue(!BenchCommand.Warmup.drifts(new double[] {28, 90, 28}), "too few passes to tell");
    }

    @Test
    void theWarmUpWaitsForTheJitToBeQuiet() {
        Runnable pass = () -> { // 2 ms of busy work, as steady as a pass can be
            long end = System.nanoTime() + 2_000_000;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        };
        long start = System.nanoTime();
        long[] calls = {0};
        // the "JIT" compiles for the first 4.5 s
        BenchCommand.Warmup busy = BenchCommand.Warmup.untilSteady(pass,
                () -> System.nanoTime() - start < 4_500_000_000L ? 100 * ++calls[0] : 100 * calls[0]);
        assertTrue(busy.steady() && busy.seconds() >= 4.4, "not before the JIT went quiet (4.5 s after the test began, a little less after the warm-up began): " + busy);
        BenchCommand.Warmup unknown = BenchCommand.Warmup.untilSteady(pass, () -> -1);
        assertTrue(unknown.steady() && unknown.seconds() >= BenchCommand.Warmup.MIN_SECONDS,
                "unknown JIT time: the times alone decide, " + unknown);
    }

    @Test
    void benchJson() {
        Run r = Run.of("bench", "--model", "unet-plus", "--base", "8", "--up", "us", "--batch", "1", "--size", "32",
                "--warmup", "1", "--repeats", "2", "--json", "--threads", String.valueOf(Parallel.threads()));
        assertEquals(0, r.exitCode(), r.toString());
        String json = r.out().trim();
        assertTrue(json.startsWith("{") && json.endsWith("}"), r.toString());
        for (String key : new String[] {"\"model\":\"unet-plus\"", "\"base\":8", "\"device\":\"cpu\"", "\"batch\":1",
                "\"threads\":" + Parallel.threads(), "\"size\":32", "\"repeats\":2", "\"ms_per_patch\":",
                "\"min_ms_per_patch\":", "\"patches_per_s\":"}) {
            assertTrue(json.contains(key), key + " in " + json);
        }
        Map<?, ?> parsed = (Map<?, ?>) Json.parse(json);
        double ms = ((Json.Number) parsed.get("ms_per_patch")).doubleValue();
        double perSecond = ((Json.Number) parsed.get("patches_per_s")).doubleValue();
        assertTrue(ms > 0, json);
        assertEquals(1000 / ms, perSecond, 1e-3 * perSecond + 0.01, "patches/s is 1000 / median ms per patch");
        assertTrue(((Json.Number) parsed.get("min_ms_per_patch")).doubleValue() <= ms, "best <= median");
    }

    @Test
    void benchStrictCudaFailsClearlyWithoutCuda() {
        Run r = Run.of("bench", "--model", "unet", "--base", "8", "--device", "cuda", "--strict", "--size", "32",
                "--warmup", "0", "--repeats", "1", "--json");
        if (Backends.unavailableReason(Device.parse("cuda")).isPresent()) {
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().contains("CUDA unavailable: "), r.toString());
            assertTrue(r.err().contains("--strict"), r.toString());
            assertTrue(r.out().isEmpty(), "nothing measured: " + r);
        } else {
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.out().contains("\"device\":\"cuda\""), r.toString());
        }
    }

    @Test
    void benchStrictCpuIsPlainCpu() {
        Run r = Run.of("bench", "--model", "unet", "--base", "8", "--device", "cpu", "--strict", "--size", "32",
                "--warmup", "0", "--repeats", "1", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("\"device\":\"cpu\""), r.toString());
        assertTrue(r.err().isEmpty(), r.toString());
    }

    @Test
    void benchCudaFallsBackToCpu() {
        Run r = Run.of("bench", "--model", "unet", "--base", "8", "--device", "cuda", "--size", "32", "--warmup", "0",
                "--repeats", "1", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        if (r.err().contains("CUDA unavailable: ")) {
            assertTrue(r.out().contains("\"device\":\"cpu\""), r.toString());
        } else {
            assertTrue(r.out().contains("\"device\":\"cuda\""), r.toString());
        }
    }

    @Test
    void benchThreadsOtherThanThePoolIsAClearError() {
        Run r = Run.of("bench", "--model", "unet", "--base", "8", "--size", "32", "--repeats", "1",
                "--threads", String.valueOf(Parallel.threads() + 1));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("NUCLEON_JAVA_OPTS=-Dnucleon.threads=" + (Parallel.threads() + 1)), r.toString());
    }
}
