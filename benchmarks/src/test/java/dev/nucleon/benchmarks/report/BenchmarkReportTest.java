package dev.nucleon.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing of a checked-in JMH JSON fixture (made-up round numbers) and the tables and chart made from it. */
class BenchmarkReportTest {

    private static String fixture() throws IOException {
        try (InputStream in = BenchmarkReportTest.class.getResourceAsStream("/jmh-fixture.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void parsesEveryEntryAndConvertsUnitsToMilliseconds() throws IOException {
        List<JmhResult> results = JmhResult.parse(fixture());
        assertEquals(8, results.size());
        JmhResult first = results.get(0);
        assertEquals("InferenceBenchmark", first.benchmarkClass());
        assertEquals("nucleon", first.method());
        assertEquals("unet:16", first.param("model", null));
        assertEquals(1, first.intParam("batch", 0));
        assertEquals(20.0, first.ms());
        assertEquals(1.0, first.msError());
        assertEquals("17.0.15, OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1", first.jdk());
        assertEquals(10.0, results.get(3).ms(), 1e-9, "us/op");
        assertEquals(320.0, results.get(4).ms(), 1e-9, "s/op");
        assertEquals("Dl4jInferenceBenchmark", results.get(5).benchmarkClass());
        assertEquals("cpu", results.get(5).param("backend", "cpu"), "peers have no backend parameter");
        assertTrue(Double.isNaN(results.get(7).msError()), "JMH's \"NaN\" error");
    }

    @Test
    void refusesThroughputScores() {
        String json = "[{\"benchmark\":\"a.B.c\",\"jdkVersion\":\"17\",\"vmName\":\"v\",\"vmVersion\":\"1\","
                + "\"params\":{},\"primaryMetric\":{\"score\":1,\"scoreError\":0,\"scoreUnit\":\"ops/s\"}}]";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JmhResult.parse(json));
        assertTrue(e.getMessage().contains("avgt"), e.getMessage());
    }

    @Test
    void inferenceTablePairsPeersPerPatchWithRatiosAndThePapersColumn() throws IOException {
        String md = BenchmarkReport.markdown(JmhResult.parse(fixture()), "test machine", "2026-01-02");
        assertTrue(md.contains("| machine | test machine |"), md);
        assertTrue(md.contains("| JDK | 17.0.15, OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1 |"), md);
        assertTrue(md.contains("| date | 2026-01-02 |"), md);
        assertTrue(md.contains("### Per-patch inference (256 × 256 patches)"), md);
        assertTrue(md.contains("| preset | B | batch | device | threads | Nucleon ms/patch | ORT ms/patch | DL4J ms/patch "
                + "| ratio vs ORT | ratio vs DL4J | paper 004 GPU ms/patch (GTX 1080 Ti, theirs) |"), md);
        String b1 = "| `unet` | 16 | 1 | cpu | 2 | 20.0 ± 1.0 | 10.0 ± 0.5 | 40.0 ± 2.0 | 2.00 | 0.50 | 14.9 |";
        String b16 = "| `unet` | 16 | 16 | cpu | 2 | 10.0 ± 1.0 | 20.0 ± 1.0 | — | 0.50 | — | 14.9 |";
        String resnet = "| `resnet-fcn` | — | 1 | cpu | 2 | 500 ± 25 | — | — | — | — | — |";
        assertTrue(md.contains(b1), md);
        assertTrue(md.contains(b16), md);
        assertTrue(md.contains(resnet), md);
        assertTrue(md.indexOf(b1) < md.indexOf(b16) && md.indexOf(b16) < md.indexOf(resnet), "preset order, then batch");
    }

    @Test
    void trainingTableGivesMsPerStepAndPatchesPerSecond() throws IOException {
        String md = BenchmarkReport.markdown(JmhResult.parse(fixture()), "m", "d");
        assertTrue(md.contains("### Training step (256 × 256 patches)"), md);
        assertTrue(md.contains("| `unet` | 16 | 2 | cpu | 2 | bce-log-dice | 250 ± 13 | 8.00 | 1000 | 2.00 | 0.25 |"), md);
    }

    @Test
    void replacesOnlyTheMarkedSection() {
        String doc = "intro\n" + BenchmarkReport.BEGIN + "\nold\n" + BenchmarkReport.END + "\noutro\n";
        assertEquals("intro\n" + BenchmarkReport.BEGIN + "\nnew\n" + BenchmarkReport.END + "\noutro\n",
                BenchmarkReport.replaceSection(doc, "new\n"));
        assertThrows(IllegalArgumentException.class, () -> BenchmarkReport.replaceSection("no markers", "x"));
    }

    @Test
    void mainWritesMarkdownChartAndReadmeSection(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("results.json");
        Files.writeString(json, fixture());
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# b\n" + BenchmarkReport.BEGIN + "\n(placeholder)\n" + BenchmarkReport.END + "\n");
        Path md = dir.resolve("results/results.md");
        Path png = dir.resolve("results/inference.png");
        BenchmarkReport.main(new String[] {"--markdown", md.toString(), "--png", png.toString(), "--readme",
                readme.toString(), "--machine", "fixture machine", json.toString()});
        String table = Files.readString(md);
        assertTrue(table.contains("| machine | fixture machine |"), table);
        assertTrue(table.endsWith("![ms per patch by preset and implementation](inference.png)\n"), table);
        String updated = Files.readString(readme);
        assertTrue(updated.contains("![ms per patch by preset and implementation](results/inference.png)"), updated);
        assertTrue(!updated.contains("(placeholder)") && updated.startsWith("# b\n"), updated);
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image.getWidth() > 500 && image.getHeight() > 100, image.getWidth() + "x" + image.getHeight());
        try (var files = Files.list(md.getParent())) {
            assertEquals(2, files.count(), "no temporary files left");
        }
    }
}
