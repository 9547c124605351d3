package dev.nucleon.spark;

import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.instance.PostProcessing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code segment-spark}'s options without Spark: each of {@code nucleon segment}'s options reaches the predictor, the
 * files and the manifest as the CLI's does, and the ones a cluster cannot honour are usage errors (exit 2, one line,
 * before any session starts). {@link SegmentSparkTest} runs them on Spark against the CLI.
 */
class SegmentSparkOptionsTest {
    /** The command's settings for {@code args}, parsed as picocli parses them. */
    static JobSettings settings(String... args) {
        SegmentSpark cmd = new SegmentSpark();
        new CommandLine(cmd).parseArgs(args);
        return cmd.settings();
    }

    /** Runs the command with no session: a usage error is reported before one would start. */
    static String usageError(String... args) {
        SegmentSpark cmd = new SegmentSpark();
        CommandLine cl = new CommandLine(cmd);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(2, cl.execute(args), err.toString());
        return err.toString().lines().findFirst().orElse("");
    }

    @Test
    void theInstanceStepAndTilingOptionsReachThePredictor() throws IOException {
        JobSettings s = settings("in", "--out", "o", "--post", "paper004", "--core-threshold", "0.6", "--tiles", "64",
                "--overlap", "16", "--threshold", "0.4", "--min-size", "5", "--tta", "--diameter", "20");
        Predictor p = s.configure(Predictor.bundled());
        assertEquals(PostProcessing.PAPER004, p.postProcessingMethod());
        assertEquals(0.6f, p.coreThreshold());
        assertArrayEquals(new int[] {64, 16}, p.blendedTiling());
        assertEquals(0.4f, p.postProcessing().threshold());
        assertEquals(5, p.postProcessing().minObjectArea());

        JobSettings cores = settings("in", "--out", "o", "--tile", "64", "--tile-margin", "24");
        Map<String, Object> o = cores.manifestOptions(null, null);
        assertEquals(24, o.get("tile_margin"));
        assertNull(o.get("overlap"), "core tiles: no overlap, as the CLI records it");
        assertArrayEquals(new int[] {256, Predictor.DEFAULT_OVERLAP}, cores.configure(Predictor.bundled())
                .blendedTiling(), "not blended");
        assertEquals(Predictor.DEFAULT_OVERLAP, JobSettings.defaults().manifestOptions(null, null).get("overlap"));
    }

    @Test
    void theManifestRecordsTheOptionsUnderTheClisNames() {
        JobSettings s = settings("in", "--out", "o", "--post", "paper004", "--core-threshold", "0.6", "--save-rois",
                "--geojson", "--label-format", "tiff");
        Map<String, Object> o = s.manifestOptions("m.safetensors", "sub.csv");
        assertEquals(List.of("model", "device", "threshold", "core_threshold", "post", "min_size", "tta", "diameter",
                "tile", "overlap", "tile_margin", "rle", "channel", "page", "pixel_size", "save_rois", "geojson",
                "label_format"), List.copyOf(o.keySet()));
        assertEquals("paper004", o.get("post"));
        assertEquals(0.6, o.get("core_threshold"));
        assertEquals(true, o.get("save_rois"));
        assertEquals(true, o.get("geojson"));
        assertEquals("sub.csv", o.get("rle"));
        assertEquals("cpu", o.get("device"));
        assertEquals(List.of("a_labels.tif", "a_overlay.png", "a_nuclei.csv", "a_labels.tif", "a_rois.zip",
                "a.geojson"), s.outputFiles().possibleFiles("a"));
        assertFalse(settings("in", "--out", "o").outputFiles().rois());
    }

    @Test
    void badValuesAreUsageErrorsAsInTheCli() {
        assertTrue(usageError("in", "--out", "o", "--post", "otsu").contains("--post must be one of"), "post");
        assertTrue(usageError("in", "--out", "o", "--core-threshold", "1").contains(
                "--core-threshold must be in (0, 1), got 1.0"));
        assertTrue(usageError("in", "--out", "o", "--overlap", "8", "--tile-margin", "8").contains(
                "give one of them"));
        assertTrue(usageError("in", "--out", "o", "--tile", "32").contains("--overlap must be in [0, tile/2), got "
                + Predictor.DEFAULT_OVERLAP + " (the default;"));
        assertEquals("--page must be >= 0 (0 is the first), got -1", usageError("in", "--out", "o", "--page", "-1"));
        assertTrue(usageError("in", "--out", "o", "--tile", "32", "--tile-margin", "40").contains(
                "--tile-margin must be in [0, tile] (tile 32), got 40"));
    }

    @Test
    void whatAClusterCannotDoIsRefusedInOneLineSayingWhy() {
        String gpu = usageError("in", "--out", "o", "--device", "cuda:0");
        assertTrue(gpu.startsWith("--device cuda:0: segment-spark runs on the executors' CPUs"), gpu);
        assertTrue(gpu.contains("nucleon segment --device cuda:0"), gpu);
        String stdin = usageError("-", "--out", "o");
        assertTrue(stdin.contains("'-' (standard input) cannot be read by a cluster's executors"), stdin);
        String rle = usageError("in", "--out", "o", "--rle", "s3a://bucket/sub.csv");
        assertTrue(rle.startsWith("--rle must be a file the driver can write"), rle);
        String out = usageError("in", "--out", "hdfs://nn/run1");
        assertTrue(out.startsWith("--out must be a folder every executor can write as a file"), out);
        settings("in", "--out", "o", "--device", "cpu", "--quiet"); // the CLI's default device, and --quiet, pass
    }

    @Test
    void fileUrisAreLocalPathsAndAGlobIsRootedAtItsFixedFolder() {
        assertEquals(Path.of("/data/run1"), SegmentSpark.local(Path.of("file:///data/run1")));
        assertEquals(Path.of("/data/run1"), SegmentSpark.local(Path.of("file:/data/run1")));
        assertEquals(Path.of("run1"), SegmentSpark.local(Path.of("run1")));
        assertFalse(SegmentSpark.remote(Path.of("file:/data/run1")));
        assertFalse(SegmentSpark.remote(Path.of("/data/a:b")));
        assertTrue(SegmentSpark.remote(Path.of("s3a://bucket/x")));
        assertEquals("data", ImageSources.fixedPrefix("data/plate*/*.tif"));
        assertEquals("/screen/a", ImageSources.fixedPrefix("/screen/a/b?/x.png"));
        assertEquals(".", ImageSources.fixedPrefix("*.png"));
        assertEquals("/", ImageSources.fixedPrefix("/*.png"));
    }
}
