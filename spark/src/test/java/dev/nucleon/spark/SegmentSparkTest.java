package dev.nucleon.spark;

import dev.nucleon.cli.Nucleon;
import dev.nucleon.segmentation.io.Csv;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job in {@code local[2]} (with one retry per task) on two sample images and a corrupt one, against
 * {@code nucleon segment} run in-process on the same folder: same files, byte for byte the same label maps, Parquet
 * rows equal to the CSV rows, an error row for the corrupt image; then reruns.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SegmentSparkTest {
    /** A DSB2018 sample (its folder name is its output name) and a small synthetic image of bright disks. */
    static final List<String> SAMPLES = List.of("0280fa8f", "disks");

    @TempDir
    static Path tmp;
    static SparkSession spark;
    static Path in;
    static Path cliOut;
    static Path sparkOut;
    static Result cli;
    static Result first;

    record Result(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void segmentBothWays() throws Exception {
        in = tmp.resolve("in");
        Files.createDirectories(in.resolve(SAMPLES.get(0)));
        Files.copy(samples().resolve(SAMPLES.get(0)).resolve("image.png"), in.resolve(SAMPLES.get(0)).resolve("image.png"));
        writeDisks(in.resolve("disks.png"));
        Files.write(in.resolve("corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3});
        cliOut = tmp.resolve("cli");
        // the CLI's run while Spark starts (two independent things: a few seconds saved)
        java.util.concurrent.FutureTask<Result> cliRun = new java.util.concurrent.FutureTask<>(
                () -> runCli("segment", in.toString(), "--out", cliOut.toString(), "--quiet"));
        new Thread(cliRun, "nucleon-segment").start();
        spark = SparkSession.builder().master("local[2,2]").appName("SegmentSparkTest")
                .config("spark.ui.enabled", "false").config("spark.sql.debug.maxToStringFields", "100").getOrCreate();
        cli = cliRun.get();
        sparkOut = tmp.resolve("spark");
        // the first attempt of the task holding "disks" dies after segmenting it: its retry must not add rows twice
        SegmentPartition.failFirstAttemptAfter = "disks";
        try {
            first = runSpark(in.toString(), "--out", sparkOut.toString());
        } finally {
            SegmentPartition.failFirstAttemptAfter = null;
        }
    }

    /** A 96 × 96 8-bit gray image: dark background, six bright disks of radius 7 (nuclei the model finds). */
    static void writeDisks(Path file) throws IOException {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(96, 96,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        int[][] centres = {{20, 20}, {50, 22}, {76, 24}, {22, 60}, {52, 70}, {78, 66}};
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                int v = 12 + (x * 7 + y * 3) % 9;
                for (int[] c : centres) {
                    if ((x - c[0]) * (x - c[0]) + (y - c[1]) * (y - c[1]) <= 49) {
                        v = 190 + (x + y) % 20;
                    }
                }
                img.getRaster().setSample(x, y, 0, v);
            }
        }
        javax.imageio.ImageIO.write(img, "png", file.toFile());
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    static Path samples() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("samples").resolve(SAMPLES.get(0)))) {
            p = p.getParent();
        }
        assertNotNull(p, "the repository's samples/ folder");
        return p.resolve("samples");
    }

    static Result runCli(String... args) {
        CommandLine cl = Nucleon.commandLine(Map.of());
        return run(cl, args);
    }

    static Result runSpark(String... args) {
        SegmentSpark cmd = new SegmentSpark();
        cmd.session = spark;
        return run(new CommandLine(cmd), args);
    }

    private static Result run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static Dataset<Row> table(Path out, String name) {
        return spark.read().parquet(out.resolve(name).toString());
    }

    @Test
    @Order(1)
    void writesTheCliFilesWithTheSameNamesAndLabelMaps() throws IOException {
        assertEquals(1, cli.exitCode(), cli.toString());
        assertEquals(1, first.exitCode(), first.toString());
        assertTrue(first.out().contains("2 image(s) segmented, 0 skipped (done by an earlier run), 1 failed"),
                first.out());
        List<String> cliFiles = imageFiles(cliOut), sparkFiles = imageFiles(sparkOut);
        assertEquals(9 - 3, cliFiles.size(), cliFiles.toString());
        assertEquals(cliFiles, sparkFiles);
        for (String f : cliFiles) {
            assertArrayEquals(Files.readAllBytes(cliOut.resolve(f)), Files.readAllBytes(sparkOut.resolve(f)), f);
        }
        assertEquals(Files.readString(cliOut.resolve("summary.csv")), Files.readString(sparkOut.resolve("summary.csv")));
    }

    /** The per-image files, relative, sorted: no manifest, summary or tables. */
    static List<String> imageFiles(Path out) throws IOException {
        try (Stream<Path> all = Files.walk(out)) {
            return all.filter(Files::isRegularFile).map(p -> out.relativize(p).toString())
                    .filter(p -> !p.contains(".parquet") && !p.equals("manifest.json") && !p.equals("summary.csv"))
                    .sorted().toList();
        }
    }

    @Test
    @Order(2)
    void parquetRowsEqualTheCliCsvRows() throws IOException {
        // the whole table in one query (a few hundred rows), checked here: one Spark job, not four per image
        List<Row> all = table(sparkOut, "nuclei.parquet").collectAsList();
        int csvRows = 0;
        for (String s : SAMPLES) {
            List<List<String>> csv = Csv.records(Files.readString(cliOut.resolve(s + "_nuclei.csv")));
            assertTrue(csv.size() > 1, s + " holds nuclei");
            List<String> header = csv.get(0);
            assertEquals("area_px", header.get(2));
            String image = csv.get(1).get(0);
            List<Row> rows = all.stream().filter(r -> image.equals(r.getAs("image")))
                    .sorted(java.util.Comparator.comparing(r -> r.<Integer>getAs("label"))).toList();
            assertEquals(csv.size() - 1, rows.size(), image + ": one row per nucleus, none twice");
            for (int i = 1; i < csv.size(); i++) {
                Row r = rows.get(i - 1);
                for (int c = 0; c < header.size(); c++) {
                    String cell = csv.get(i).get(c);
                    Object v = r.getAs(header.get(c));
                    if (c == 0) {
                        assertEquals(cell, v);
                    } else if (NucleusTable.integral(header.get(c))) {
                        assertEquals(Integer.parseInt(cell), v, image + " " + header.get(c));
                    } else {
                        assertEquals(Double.parseDouble(cell), (Double) v, 0.0, image + " " + header.get(c));
                    }
                }
                for (String um : List.of("area_um2", "centroid_x_um", "perimeter_um")) {
                    assertNull(r.getAs(um), "a pixel-unit image leaves the micrometre columns empty");
                }
            }
            csvRows += csv.size() - 1;
        }
        assertTrue(csvRows > 10, "the samples hold nuclei: " + csvRows);
        assertEquals(csvRows, all.size());
        assertEquals(csvRows, all.stream().map(r -> r.getAs("image") + "#" + r.getAs("label")).distinct().count());
    }

    @Test
    @Order(3)
    void aCorruptImageIsAnErrorRowAndTheManifestSaysSo() throws IOException {
        List<Row> images = table(sparkOut, "images.parquet").collectAsList();
        assertEquals(3, images.size());
        Row bad = images.stream().filter(r -> "failed".equals(r.getAs("status"))).findFirst().orElseThrow();
        assertEquals(in.resolve("corrupt.png").toString(), bad.getAs("input"));
        String error = bad.getAs("error");
        assertFalse(error.isBlank() || error.contains("\n"), error);
        assertTrue(first.err().contains("corrupt.png: " + error), first.err());
        assertEquals(2, images.stream().filter(r -> "ok".equals(r.getAs("status"))).count());
        String manifest = Files.readString(sparkOut.resolve("manifest.json"));
        assertTrue(manifest.contains("\"command\":\"segment-spark\""), manifest);
        assertTrue(manifest.contains("\"ok\":2,\"failed\":1"), manifest);
        assertTrue(manifest.contains("\"files\":[\"0280fa8f_labels.png\",\"0280fa8f_overlay.png\","
                + "\"0280fa8f_nuclei.csv\"]"), manifest);
    }

    @Test
    @Order(4)
    void aRerunSkipsTheImagesDoneAndRetriesTheFailedOne() throws IOException {
        Map<String, FileTime> before = new HashMap<>();
        for (String f : imageFiles(sparkOut)) {
            before.put(f, Files.getLastModifiedTime(sparkOut.resolve(f)));
        }
        long rows = table(sparkOut, "nuclei.parquet").count();
        Result again = runSpark(in.toString(), "--out", sparkOut.toString());
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.out().contains("0 image(s) segmented, 2 skipped (done by an earlier run), 1 failed"),
                again.out());
        for (String f : before.keySet()) {
            assertEquals(before.get(f), Files.getLastModifiedTime(sparkOut.resolve(f)), f + " not rewritten");
        }
        assertEquals(rows, table(sparkOut, "nuclei.parquet").count());

        // the corrupt image replaced by a good one: only it is segmented, and the run then exits 0
        writeDisks(in.resolve("corrupt.png"));
        Result fixed = runSpark(in.toString(), "--out", sparkOut.toString());
        assertEquals(0, fixed.exitCode(), fixed.toString());
        assertTrue(fixed.out().contains("1 image(s) segmented, 2 skipped"), fixed.out());
        List<Row> nuclei = table(sparkOut, "nuclei.parquet").collectAsList();
        assertEquals(nuclei.size(), nuclei.stream().map(r -> r.getAs("image") + "#" + r.getAs("label")).distinct()
                .count());
        assertTrue(Files.readString(sparkOut.resolve("manifest.json")).contains("\"ok\":3,\"failed\":0"));
        assertTrue(Files.exists(sparkOut.resolve("corrupt_labels.png")));
    }

    @Test
    @Order(5)
    void aCsvListOfPathsNamesTheImagesAsTheFolderDoes() throws IOException {
        Path list = tmp.resolve("list.csv");
        StringBuilder csv = new StringBuilder("path\n");
        csv.append(in.resolve(SAMPLES.get(0)).resolve("image.png")).append('\n');
        csv.append(in.resolve("disks.png")).append('\n');
        Files.writeString(list, csv);
        Result r = runSpark("--list", list.toString(), "--out", sparkOut.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("0 image(s) segmented, 2 skipped"), r.out());
        // the corrupt image's two tries and its fix made three committed runs; a run with nothing to do adds none
        assertTrue(Files.readString(sparkOut.resolve("manifest.json")).contains("\"runs\":3,"));
    }

    @Test
    @Order(6)
    void otherOptionsOrACliRunInOutAreRefused() {
        Result r = runSpark(in.toString(), "--out", sparkOut.toString(), "--threshold", "0.7");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("holds a run with other options (threshold null -> 0.7); give --overwrite"),
                r.err());
        Result c = runSpark(in.toString(), "--out", cliOut.toString());
        assertEquals(2, c.exitCode(), c.toString());
        assertTrue(c.err().contains("holds the results of a `nucleon segment` run"), c.err());
    }

    @Test
    @Order(7)
    void aMissingInputFailsBeforeAnyTask() {
        int jobs = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;
        Path out = tmp.resolve("missing-out");
        Result r = runSpark(tmp.resolve("no-such-folder").toString(), "--out", out.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("segment-spark: " + tmp.resolve("no-such-folder") + ": no such file or folder\n", r.err());
        Result g = runSpark(tmp.resolve("in").resolve("*.tif").toString(), "--out", out.toString());
        assertEquals(1, g.exitCode(), g.toString());
        assertTrue(g.err().endsWith("*.tif: matches no file\n"), g.err());
        assertEquals(jobs, spark.sparkContext().statusTracker().getJobIdsForGroup(null).length, "no Spark job ran");
        assertFalse(Files.exists(out.resolve("manifest.json")));
    }

    @Test
    @Order(8)
    void badOptionsAreUsageErrors() {
        assertEquals(2, runSpark(in.toString(), "--out", tmp.resolve("x").toString(), "--tile", "100").exitCode());
        assertEquals(2, runSpark("--out", tmp.resolve("x").toString()).exitCode());
    }

    /**
     * {@code segment}'s other options on Spark: the instance step, tiling, ROI sets, GeoJSON and the RLE submission
     * give the CLI's files, byte for byte, under the same names; the manifest records them under the CLI's names;
     * a rerun with another --rle path skips the image and writes the submission again from the label map on disk.
     */
    @Test
    @Order(9)
    void theCliOptionsGiveTheCliFiles() throws IOException {
        Path one = tmp.resolve("in-options");
        Files.createDirectories(one);
        writeDisks(one.resolve("disks.png"));
        List<String> options = List.of("--post", "paper004", "--tiles", "64", "--overlap", "16", "--core-threshold",
                "0.6", "--save-rois", "--geojson", "--quiet");
        Path cliOpt = tmp.resolve("cli-options"), sparkOpt = tmp.resolve("spark-options");
        List<String> c = new ArrayList<>(List.of("segment", one.toString(), "--out", cliOpt.toString(), "--rle",
                cliOpt.resolve("submission.csv").toString()));
        c.addAll(options);
        Result cliRun = runCli(c.toArray(new String[0]));
        assertEquals(0, cliRun.exitCode(), cliRun.toString());
        List<String> s = new ArrayList<>(List.of(one.toString(), "--out", sparkOpt.toString(), "--rle",
                sparkOpt.resolve("submission.csv").toString(), "--device", "cpu"));
        s.addAll(options);
        Result sparkRun = runSpark(s.toArray(new String[0]));
        assertEquals(0, sparkRun.exitCode(), sparkRun.toString());

        List<String> files = imageFiles(sparkOpt);
        assertEquals(List.of("disks.geojson", "disks_labels.png", "disks_nuclei.csv", "disks_overlay.png",
                "disks_rois.zip", "submission.csv"), files);
        assertEquals(imageFiles(cliOpt), files);
        for (String f : files) {
            if (f.endsWith(".zip")) { // a zip holds its entries' times: the same entries, byte for byte
                assertEquals(zipEntries(cliOpt.resolve(f)), zipEntries(sparkOpt.resolve(f)), f);
                assertTrue(zipEntries(sparkOpt.resolve(f)).size() > 3, "one ROI per disk");
            } else {
                assertArrayEquals(Files.readAllBytes(cliOpt.resolve(f)), Files.readAllBytes(sparkOpt.resolve(f)), f);
            }
        }
        assertTrue(Files.readString(sparkOpt.resolve("submission.csv")).lines().count() > 3, "the disks, encoded");

        Map<?, ?> cm = (Map<?, ?>) dev.nucleon.nn.io.Json.parse(Files.readString(cliOpt.resolve("manifest.json")));
        Map<?, ?> sm = (Map<?, ?>) dev.nucleon.nn.io.Json.parse(Files.readString(sparkOpt.resolve("manifest.json")));
        Map<?, ?> co = (Map<?, ?>) cm.get("options"), so = (Map<?, ?>) sm.get("options");
        java.util.Set<Object> keys = new java.util.TreeSet<>();
        co.keySet().forEach(keys::add);
        keys.removeAll(List.of("out", "overwrite", "rle"));
        for (Object k : keys) { // the CLI writes a float option as its double (0.6000000238418579), the job as given
            Object cv = co.get(k), sv = so.get(k);
            if (cv instanceof dev.nucleon.nn.io.Json.Number cn && sv instanceof dev.nucleon.nn.io.Json.Number sn) {
                assertEquals((float) Double.parseDouble(cn.text()), (float) Double.parseDouble(sn.text()), "option " + k);
            } else {
                assertEquals(String.valueOf(cv), String.valueOf(sv), "option " + k);
            }
        }
        assertEquals(keys.size() + 2, so.size(), "the CLI's options, plus model and rle: " + so.keySet());
        assertEquals("paper004", so.get("post"));
        assertEquals(((Map<?, ?>) ((List<?>) cm.get("images")).get(0)).get("files"),
                ((Map<?, ?>) ((List<?>) sm.get("images")).get(0)).get("files"));
        assertTrue(((List<?>) sm.get("files")).contains("submission.csv"), sm.get("files").toString());

        List<String> again = new ArrayList<>(s);
        again.set(again.indexOf("--rle") + 1, tmp.resolve("submission-2.csv").toString());
        Result rerun = runSpark(again.toArray(new String[0]));
        assertEquals(0, rerun.exitCode(), rerun.toString());
        assertTrue(rerun.out().contains("0 image(s) segmented, 1 skipped"), rerun.out());
        assertEquals(Files.readString(cliOpt.resolve("submission.csv")),
                Files.readString(tmp.resolve("submission-2.csv")));
    }

    /** A zip's entries: name and content (as Base64, to compare), in order. */
    static Map<String, String> zipEntries(Path zip) throws IOException {
        Map<String, String> entries = new java.util.LinkedHashMap<>();
        try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), java.util.Base64.getEncoder().encodeToString(in.readAllBytes()));
            }
        }
        return entries;
    }

    static List<String> lines(String s) {
        return new ArrayList<>(s.lines().toList());
    }

    /**
     * A model file that names a colour model beside it (the bundled pair, copied to a folder): the job ships both to
     * the executors, which load the pair, and a colour image gets the CLI's labels byte for byte.
     */
    @Test
    @Order(10)
    void aModelFileWithAColourModelIsShippedWithIt() throws IOException {
        Path models = tmp.resolve("models");
        Files.createDirectories(models);
        for (String name : List.of("nuclei-default.safetensors", "nuclei-colour.safetensors")) {
            try (java.io.InputStream r = dev.nucleon.segmentation.inference.Predictor.class
                    .getResourceAsStream("/dev/nucleon/segmentation/models/" + name)) {
                assertNotNull(r, name);
                Files.copy(r, models.resolve(name));
            }
        }
        String model = models.resolve("nuclei-default.safetensors").toString();
        assertEquals(2, dev.nucleon.segmentation.inference.Predictor.filesOf(Path.of(model)).size());
        Path one = tmp.resolve("in-colour");
        Files.createDirectories(one.resolve("0121d675"));
        Files.copy(samples().resolve("0121d675").resolve("image.png"), one.resolve("0121d675").resolve("image.png"));
        Path cliCol = tmp.resolve("cli-colour"), sparkCol = tmp.resolve("spark-colour");
        Result c = runCli("segment", one.toString(), "--out", cliCol.toString(), "--model", model, "--quiet");
        assertEquals(0, c.exitCode(), c.toString());
        Result s = runSpark(one.toString(), "--out", sparkCol.toString(), "--model", model, "--quiet");
        assertEquals(0, s.exitCode(), s.toString());
        assertArrayEquals(Files.readAllBytes(cliCol.resolve("0121d675_labels.png")),
                Files.readAllBytes(sparkCol.resolve("0121d675_labels.png")));
    }
}
