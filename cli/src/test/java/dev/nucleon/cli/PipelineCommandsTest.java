package dev.nucleon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.backend.Backends;
import dev.nucleon.cuda.CudaProbe;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.io.ImageFileWriter;
import dev.nucleon.segmentation.networks.Presets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nucleon segment}, {@code train} and {@code evaluate --data}, in process, on small synthetic images. */
class PipelineCommandsTest {
    @TempDir
    Path dir;
    Path data;
    Path model;

    /** A 64×64 gray image with three bright discs, and their labels. */
    static void sample(Path folder, int shift) throws IOException {
        Files.createDirectories(folder);
        float[] img = new float[64 * 64];
        int[] lab = new int[64 * 64];
        int[][] discs = {{16 + shift, 16, 6}, {44, 20 + shift, 7}, {30, 46, 8}};
        for (int k = 0; k < discs.length; k++) {
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int dx = x - discs[k][0], dy = y - discs[k][1];
                    if (dx * dx + dy * dy <= discs[k][2] * discs[k][2]) {
                        img[y * 64 + x] = 0.8f;
                        lab[y * 64 + x] = k + 1;
                    } else if (img[y * 64 + x] == 0) {
                        img[y * 64 + x] = 0.1f;
                    }
                }
            }
        }
        ImageFileWriter.writeGray(new FloatImage(64, 64, 1, img), folder.resolve("image.png"), 8);
        ImageFileWriter.writeLabels(new LabelImage(64, 64, lab), folder.resolve("labels.png"));
    }

    @BeforeEach
    void setUp() throws IOException {
        data = dir.resolve("data");
        for (int i = 0; i < 3; i++) {
            sample(data.resolve("s" + i), 2 * i);
        }
        Initializers.manualSeed(1);
        model = dir.resolve("tiny.safetensors");
        Checkpoint.save(model, Presets.build("unet-bn", Map.of("base", 4, "depth", 3, "in_channels", 1)));
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : List.of("segment", "train", "evaluate")) {
            Run r = Run.of(c, "--help");
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.out().contains("Usage: nucleon " + c), r.toString());
        }
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(2, Run.of("segment").exitCode());
        assertEquals(2, Run.of("segment", "x.png").exitCode(), "--out missing");
        assertEquals(2, Run.of("train", "--data", "d").exitCode());
        assertEquals(2, Run.of("segment", "x.png", "--out", "o", "--threshold", "abc").exitCode());
        assertEquals(2, Run.of("evaluate", "--data", data.toString(), "--truth", data.toString()).exitCode());
    }

    @Test
    void segmentWritesEveryOutputSkipsABadFileAndExits1(@TempDir Path out) throws IOException {
        Path bad = Files.writeString(data.resolve("broken.png"), "not a png");
        Path rle = out.resolve("submission.csv");
        Run r = Run.of("segment", data.toString(), "--out", out.toString(), "--model", model.toString(),
                "--rle", rle.toString(), "--min-size", "4");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("broken.png") && r.err().contains("skipped"), r.toString());
        for (String s : List.of("s0", "s1", "s2")) {
            assertTrue(r.out().contains(s + ": "), r.toString());
            LabelImage labels = ImageFileReader.readLabels(out.resolve(s + "_labels.png"));
            assertEquals(64, labels.width());
            assertTrue(Files.isRegularFile(out.resolve(s + "_overlay.png")));
            assertTrue(Files.readString(out.resolve(s + "_nuclei.csv")).startsWith("image,label,area_px,"));
        }
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals("image,nuclei,mean_area,output,area_unit", summary.get(0));
        assertEquals(4, summary.size(), summary.toString());
        assertTrue(Files.readString(rle).startsWith("ImageId,EncodedPixels"));
        Files.delete(bad);
        Run ok = Run.of("segment", data.resolve("s1/image.png").toString(), "--out", out.toString(), "--model",
                model.toString(), "--overwrite");
        assertEquals(0, ok.exitCode(), ok.toString());
    }

    @Test
    void segmentReportsMissingInputsAndModels(@TempDir Path out) {
        Run r = Run.of("segment", dir.resolve("nope.png").toString(), "--out", out.toString(), "--model",
                model.toString());
        assertEquals(1, r.exitCode(), r.toString());
        Run m = Run.of("segment", data.toString(), "--out", out.toString(), "--model", dir.resolve("no.safetensors").toString());
        assertEquals(1, m.exitCode(), m.toString());
        assertTrue(m.err().contains("no such model file"), m.toString());
    }

    @Test
    void cudaFallsBackToCpuWithAReason(@TempDir Path out) {
        boolean cuda = Backends.statuses().stream().anyMatch(s -> s.name().equalsIgnoreCase("cuda") && s.available());
        Run r = Run.of("segment", data.resolve("s0/image.png").toString(), "--out", out.toString(), "--model",
                model.toString(), "--device", "cuda");
        assertEquals(0, r.exitCode(), r.toString());
        if (!cuda) {
            assertTrue(r.err().contains("CUDA unavailable: " + CudaProbe.reason() + "; falling back to CPU"), r.toString());
        }
    }

    @Test
    void strictRefusesToFallBack(@TempDir Path out) throws IOException {
        Assumptions.assumeFalse(CudaProbe.available(), "this machine has a GPU: nothing to refuse");
        Run r = Run.of("segment", data.resolve("s0/image.png").toString(), "--out", out.toString(), "--model",
                model.toString(), "--device", "cuda", "--strict");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("CUDA unavailable: " + CudaProbe.reason() + " (--strict: not falling back to CPU)"),
                r.toString());
        try (var written = Files.list(out)) {
            assertEquals(List.of(), written.toList(), "nothing is written when the device is refused");
        }
    }

    @Test
    void openclRunsOrFallsBackWithAReasonAndStrictRefuses(@TempDir Path out) throws IOException {
        Run missing = Run.of("segment", data.resolve("s0/image.png").toString(), "--out", out.resolve("a").toString(),
                "--model", model.toString(), "--device", "opencl:7");
        assertEquals(0, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("OpenCL unavailable: ") && missing.err().contains("; falling back to CPU"),
                missing.toString());
        Run strict = Run.of("segment", data.resolve("s0/image.png").toString(), "--out", out.resolve("b").toString(),
                "--model", model.toString(), "--device", "opencl:7", "--strict");
        assertEquals(1, strict.exitCode(), strict.toString());
        assertTrue(strict.err().contains("(--strict: not falling back to CPU)"), strict.toString());
        assertEquals(1, strict.err().strip().lines().count(), "one line: " + strict);
        if (dev.nucleon.opencl.OpenClProbe.available()) { // PoCL or a GPU here: the whole segmentation on OpenCL
            Run ok = Run.of("segment", data.resolve("s0/image.png").toString(), "--out", out.resolve("c").toString(),
                    "--model", model.toString(), "--device", "opencl", "--strict");
            assertEquals(0, ok.exitCode(), ok.toString());
            assertTrue(!ok.err().contains("unavailable"), ok.toString());
        }
    }

    @Test
    void trainThenEvaluateTheModel() throws IOException {
        Path out = dir.resolve("run/model.safetensors");
        Run t = Run.of("train", "--data", data.toString(), "--model", "unet-bn", "--option", "base=4", "--option",
                "depth=3", "--option", "in_channels=1", "--epochs", "1", "--batch", "2", "--patch", "32",
                "--split", "random", "--val-fraction", "0.34", "--out", out.toString());
        assertEquals(0, t.exitCode(), t.toString());
        assertTrue(t.out().contains("epoch 1/1"), t.toString());
        assertTrue(Files.isRegularFile(out) && Files.isRegularFile(dir.resolve("run/model.history.csv")));
        Run e = Run.of("evaluate", "--data", data.toString(), "--split", "none", "--model", out.toString(), "--pred-out",
                dir.resolve("pred").toString());
        assertEquals(0, e.exitCode(), e.toString());
        assertTrue(e.out().contains("mean AP (DSB2018)") && e.out().contains("by kind"), e.toString());
        assertTrue(Files.isRegularFile(dir.resolve("pred/s0_labels.png")));
        Run resume = Run.of("train", "--data", data.toString(), "--model", "unet-bn", "--epochs", "2", "--batch", "2",
                "--patch", "32", "--split", "random", "--val-fraction", "0.34", "--out", out.toString(), "--resume");
        assertEquals(0, resume.exitCode(), resume.toString());
        assertTrue(resume.out().contains("resuming after epoch 1") && resume.out().contains("epoch 2/2"), resume.toString());
    }
}
