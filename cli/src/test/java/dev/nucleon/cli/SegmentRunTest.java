package dev.nucleon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.nn.io.Json;
import dev.nucleon.segmentation.io.Csv;
import dev.nucleon.segmentation.networks.Presets;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code nucleon segment} as a unit of work (issue 15, cases 3, 4, 5, 9, 11 and the {@code -} rule): refusing another
 * run's folder, the manifest, mirrored output names, per-image isolation, RFC 4180 summary, stdin.
 */
class SegmentRunTest {
    @TempDir
    Path dir;
    Path data;
    Path model;
    Path out;

    @BeforeEach
    void setUp() throws IOException {
        data = dir.resolve("data");
        for (int i = 0; i < 3; i++) {
            PipelineCommandsTest.sample(data.resolve("s" + i), 2 * i);
        }
        Initializers.manualSeed(1);
        model = dir.resolve("tiny.safetensors");
        Checkpoint.save(model, Presets.build("unet-bn", Map.of("base", 4, "depth", 3, "in_channels", 1)));
        out = dir.resolve("out");
    }

    private Run segment(String... args) {
        return segmentWith(c -> { }, args);
    }

    /** Runs {@code segment ARGS --model tiny}, after {@code setup} sees the command object. */
    private Run segmentWith(Consumer<SegmentCommand> setup, String... args) {
        List<String> all = new ArrayList<>(List.of("segment"));
        all.addAll(List.of(args));
        all.addAll(List.of("--model", model.toString(), "--min-size", "4"));
        return Run.with(Map.of(), cl -> setup.accept((SegmentCommand) cl.getSubcommands().get("segment").getCommand()),
                all.toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> manifest() throws IOException {
        return (Map<String, Object>) Json.parse(Files.readString(out.resolve("manifest.json")));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> manifestImages() throws IOException {
        return (List<Map<String, Object>>) manifest().get("images");
    }

    private List<List<String>> summary() throws IOException {
        return Csv.records(Files.readString(out.resolve("summary.csv")));
    }

    // ---- case 5: a run is a unit --------------------------------------------------------------------------------

    @Test
    void anOutHoldingAnotherRunIsRefusedWithExit2AndLeftAlone() throws IOException {
        Run first = segment(data.toString(), "--out", out.toString());
        assertEquals(0, first.exitCode(), first.toString());
        byte[] summaryBefore = Files.readAllBytes(out.resolve("summary.csv"));
        byte[] manifestBefore = Files.readAllBytes(out.resolve("manifest.json"));
        Run again = segment(data.resolve("s1").toString(), "--out", out.toString());
        assertEquals(2, again.exitCode(), again.toString());
        assertEquals(1, again.err().lines().count(), again.toString());
        assertTrue(again.err().contains("holds the results of another run") && again.err().contains("--overwrite"),
                again.toString());
        assertEquals("", again.out(), "no image was segmented: " + again);
        assertTrue(java.util.Arrays.equals(summaryBefore, Files.readAllBytes(out.resolve("summary.csv"))));
        assertTrue(java.util.Arrays.equals(manifestBefore, Files.readAllBytes(out.resolve("manifest.json"))));
    }

    @Test
    void overwriteReplacesTheWholeEarlierRun() throws IOException {
        assertEquals(0, segment(data.toString(), "--out", out.toString()).exitCode());
        assertTrue(Files.exists(out.resolve("s0_labels.png")));
        Run again = segment(data.resolve("s1").toString(), "--out", out.toString(), "--overwrite");
        assertEquals(0, again.exitCode(), again.toString());
        for (String gone : List.of("s0_labels.png", "s0_overlay.png", "s0_nuclei.csv", "s2_nuclei.csv")) {
            assertFalse(Files.exists(out.resolve(gone)), gone + " of the earlier run is removed");
        }
        assertTrue(Files.exists(out.resolve("s1_labels.png")));
        assertEquals(2, summary().size(), summary().toString());
        assertEquals(1, manifestImages().size());
    }

    @Test
    void manifestRecordsInputsOptionsModelVersionAndEachImage() throws IOException {
        Files.writeString(data.resolve("broken.png"), "not a png");
        Run r = segment(data.toString(), "--out", out.toString());
        assertEquals(1, r.exitCode(), r.toString());
        Map<String, Object> m = manifest();
        assertEquals("segment", m.get("command"));
        assertEquals(NucleonVersion.get(), m.get("nucleon_version"));
        assertEquals(List.of(data.toString()), m.get("inputs"));
        assertEquals(model.toString(), m.get("model"));
        assertTrue(m.get("options") instanceof Map<?, ?> o && o.containsKey("threshold") && o.containsKey("tile"), m.toString());
        List<Map<String, Object>> images = manifestImages();
        assertEquals(4, images.size(), images.toString());
        Map<String, Object> broken = images.get(0);
        assertEquals(data.resolve("broken.png").toString(), broken.get("input"));
        assertEquals("failed", broken.get("status"));
        assertTrue(broken.get("error").toString().contains("unrecognised image format"), broken.toString());
        Map<String, Object> s0 = images.get(1);
        assertEquals("ok", s0.get("status"));
        assertEquals(List.of("s0_labels.png", "s0_overlay.png", "s0_nuclei.csv"), s0.get("files"));
        assertEquals(List.of("summary.csv"), m.get("files"));
    }

    /** A kill during a rerun (simulated: an Error no image isolation catches) leaves no summary that disagrees. */
    @Test
    void aKilledRerunLeavesNoSummaryDisagreeingWithTheImages() throws IOException {
        assertEquals(0, segment(data.toString(), "--out", out.toString()).exitCode());
        class Killed extends Error {
        }
        int[] seen = {0};
        assertThrows(Killed.class, () -> {
            CommandLine cl = new CommandLine(new SegmentCommand());
            ((SegmentCommand) cl.getCommand()).beforeEachImage = image -> {
                if (seen[0]++ == 1) {
                    throw new Killed();
                }
            };
            cl.setExecutionExceptionHandler((e, c, p) -> {
                throw e;
            });
            try {
                cl.execute(data.toString(), "--out", out.toString(), "--overwrite", "--model", model.toString(),
                        "--min-size", "100000");
            } catch (CommandLine.ExecutionException e) {
                throw e.getCause();
            }
        });
        assertFalse(Files.exists(out.resolve("manifest.json")), "no manifest vouches for a half-done run");
        if (Files.exists(out.resolve("summary.csv"))) {
            for (List<String> row : summary().subList(1, summary().size())) {
                String name = row.get(3);
                long rows = Csv.records(Files.readString(out.resolve(name + "_nuclei.csv"))).size() - 1;
                assertEquals(rows, Long.parseLong(row.get(1)), "summary row " + row + " agrees with its CSV");
            }
        }
        Run refused = segment(data.toString(), "--out", out.toString());
        assertEquals(2, refused.exitCode(), "the half-done run's files are not silently mixed into a new one: " + refused);
    }

    @Test
    void staleTemporaryFilesOfAKilledRunAreCleanedWhenTheNextStarts() throws IOException {
        Files.createDirectories(out.resolve("sub"));
        Path stale = Files.writeString(out.resolve(".a_labels.png.nucleon-4242.tmp"), "half");
        Path nested = Files.writeString(out.resolve("sub/.b_nuclei.csv.nucleon-17.tmp"), "half");
        Path keep = Files.writeString(out.resolve("notes.txt"), "mine");
        Run r = segment(data.resolve("s0").toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(Files.exists(stale) || Files.exists(nested), r.toString());
        assertTrue(Files.exists(keep));
        try (var s = Files.walk(out)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    // ---- case 4: names unique and stable -------------------------------------------------------------------------

    @Test
    void outputsMirrorTheInputPathsSoSameNamesNeverCollide() throws IOException {
        Path img = data.resolve("s0/image.png");
        Path a1 = Files.createDirectories(dir.resolve("d1")).resolve("a.png");
        Path a2 = Files.createDirectories(dir.resolve("d2")).resolve("a.png");
        Path a3 = Files.createDirectories(dir.resolve("d3")).resolve("a-2.png");
        for (Path p : List.of(a1, a2, a3)) {
            Files.copy(img, p);
        }
        Run r = segment(a1.toString(), a2.toString(), a3.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("3 image(s) segmented, 0 failed"), r.toString());
        for (String name : List.of("d1/a", "d2/a", "d3/a-2")) {
            for (String suffix : List.of("_labels.png", "_overlay.png", "_nuclei.csv")) {
                assertTrue(Files.isRegularFile(out.resolve(name + suffix)), name + suffix + "\n" + r);
            }
        }
        List<List<String>> rows = summary();
        assertEquals(List.of("image", "nuclei", "mean_area", "output", "area_unit"), rows.get(0));
        assertEquals(List.of(a1.toString(), a2.toString(), a3.toString()), rows.subList(1, 4).stream().map(x -> x.get(0)).toList());
        assertEquals(List.of("d1/a", "d2/a", "d3/a-2"), rows.subList(1, 4).stream().map(x -> x.get(3)).toList());
    }

    @Test
    void namesAreStableAndFollowTheSampleLayout() throws IOException {
        Path root = dir.resolve("tree");
        Path a = Files.createDirectories(root.resolve("x")).resolve("a.png");
        Path aTif = root.resolve("x/a.tif");
        Path sample = Files.createDirectories(root.resolve("id7/images")).resolve("id7.png");
        Path image = Files.createDirectories(root.resolve("s9")).resolve("image.png");
        for (Path p : List.of(a, aTif, sample, image)) {
            Files.writeString(p, "");
        }
        InputImages found = InputImages.find(List.of(root), null);
        assertEquals(List.of("id7", "s9", "x/a.png", "x/a.tif"), found.images.stream().map(InputImages.InputImage::name).toList(),
                "a.png and a.tif keep their extension; DSB samples are named by their folder");
        assertEquals(found.images, InputImages.find(List.of(root), null).images, "the same inputs, the same names");
        InputImages single = InputImages.find(List.of(image), null);
        assertEquals("s9", single.images.get(0).name());
    }

    // ---- case 3: per-image isolation ---------------------------------------------------------------------------

    @Test
    void anImageThatRunsOutOfMemoryIsSkippedAndTheBatchGoesOn() throws IOException {
        Run r = segmentWith(c -> c.beforeEachImage = image -> {
            if (image.name().equals("s1")) {
                throw new OutOfMemoryError("Java heap space");
            }
        }, data.toString(), "--out", out.toString());
        assertEquals(1, r.exitCode(), r.toString());
        List<String> errLines = r.err().lines().toList();
        assertEquals(1, errLines.size(), r.toString());
        assertTrue(errLines.get(0).contains(data.resolve("s1/image.png").toString())
                && errLines.get(0).contains("out of memory"), r.toString());
        assertTrue(r.out().contains("2 image(s) segmented, 1 failed"), r.toString());
        assertTrue(Files.exists(out.resolve("s2_labels.png")), "images after the failed one are processed");
        assertEquals(3, summary().size());
        assertEquals(List.of("ok", "failed", "ok"), manifestImages().stream().map(i -> i.get("status")).toList());
    }

    @Test
    void anImageTooLargeForTheHeapIsRefusedFromItsHeaderBeforeDecoding() throws IOException {
        long side = 46_000; // 2.1e9 pixels: still one Java array, but 17 GB at 8 bytes a pixel
        Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() < side * side * 8, "this JVM's heap holds it");
        Files.write(data.resolve("huge.png"), pngHeaderOnly((int) side, (int) side));
        Files.write(data.resolve("enormous.png"), pngHeaderOnly(100_000, 100_000));
        Run r = segment(data.toString(), "--out", out.toString());
        assertEquals(1, r.exitCode(), r.toString());
        String huge = r.err().lines().filter(l -> l.contains("huge.png")).findFirst().orElse("");
        assertTrue(huge.contains("46000x46000 px (1 channel(s), 8-bit) needs about 12.3 GiB of memory")
                && huge.contains("NUCLEON_JAVA_OPTS=-Xmx"), r.toString());
        assertTrue(r.err().lines().anyMatch(l -> l.contains("enormous.png") && l.contains("100000x100000 px")
                && l.contains("needs about")), r.toString());
        assertTrue(r.out().contains("3 image(s) segmented, 2 failed"), r.toString());
    }

    @Test
    void aNanSampleInAFloatTiffIsWarnedOnOneLineNamingTheFile() throws IOException {
        int w = 64, h = 64;
        java.awt.image.ColorModel cm = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_FLOAT);
        java.awt.image.WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) { // one bright disc on 0–1000 float units, one NaN sample
                double r = Math.hypot(x - 32, y - 32);
                raster.setSample(x, y, 0, r < 10 ? 900f : 50f);
            }
        }
        raster.setSample(5, 5, 0, Float.NaN);
        Path tiff = dir.resolve("float").resolve("nan.tif");
        Files.createDirectories(tiff.getParent());
        assertTrue(javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(cm, raster, false, null), "tiff",
                tiff.toFile()), "a TIFF writer");
        Run r = segment(tiff.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String> warnings = r.err().lines().filter(l -> l.contains("warning")).toList();
        assertEquals(1, warnings.size(), r.toString());
        assertTrue(warnings.get(0).startsWith("segment: " + tiff + ": warning: ") && warnings.get(0).contains("NaN"),
                r.toString());
    }

    /** A PNG whose header says {@code w × h}, 8-bit gray, followed by one tiny (truncated) data chunk. */
    static byte[] pngHeaderOnly(int w, int h) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream png = new DataOutputStream(bytes);
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(ihdr);
        d.writeInt(w);
        d.writeInt(h);
        d.write(new byte[] {8, 0, 0, 0, 0});
        chunk(png, "IHDR", ihdr.toByteArray());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[1000]);
        deflater.finish();
        byte[] z = new byte[2000];
        chunk(png, "IDAT", java.util.Arrays.copyOf(z, deflater.deflate(z)));
        chunk(png, "IEND", new byte[0]);
        return bytes.toByteArray();
    }

    private static void chunk(DataOutputStream png, String type, byte[] data) throws IOException {
        png.writeInt(data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        png.write(t);
        png.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        png.writeInt((int) crc.getValue());
    }

    // ---- case 9: RFC 4180 --------------------------------------------------------------------------------------

    @Test
    void fileNamesWithCommaQuoteOrNewlineAreQuotedInSummaryAndSubmission() throws IOException {
        Path odd = Files.createDirectories(dir.resolve("odd"));
        List<String> names = List.of("a,b", "say \"hi\"", "two\nlines");
        for (String n : names) {
            Files.copy(data.resolve("s0/image.png"), odd.resolve(n + ".png"));
        }
        Path rle = dir.resolve("submission.csv");
        Run r = segment(odd.toString(), "--out", out.toString(), "--rle", rle.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<List<String>> rows = summary();
        assertEquals(4, rows.size(), rows.toString());
        assertEquals(names.stream().map(n -> odd.resolve(n + ".png").toString()).sorted().toList(),
                rows.subList(1, 4).stream().map(x -> x.get(0)).sorted().toList());
        for (List<String> row : rows) {
            assertEquals(5, row.size(), row.toString());
        }
        List<List<String>> sub = Csv.records(Files.readString(rle));
        assertEquals(List.of("ImageId", "EncodedPixels"), sub.get(0));
        assertTrue(sub.stream().skip(1).allMatch(x -> x.size() == 2 && names.contains(x.get(0))), sub.toString());
    }

    // ---- case 11 (segment): unreadable folder, unwritable --out ----------------------------------------------------

    @Test
    void anUnreadableSubfolderIsReportedInWordsAndSkipped() throws IOException {
        Path locked = Files.createDirectories(data.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            Assumptions.assumeFalse(Files.isReadable(locked), "running as root: every folder is readable");
            Run r = segment(data.toString(), "--out", out.toString());
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().contains(locked + ": permission denied, skipped"), r.toString());
            assertFalse(r.err().contains("Exception"), r.toString());
            assertTrue(r.out().contains("3 image(s) segmented"), r.toString());
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void anUnreadableFolderIsSaidInWords() {
        InputImages.Problem p = InputImages.unreadable(Path.of("data/locked"), new AccessDeniedException("data/locked"));
        assertEquals(new InputImages.Problem("data/locked", "permission denied"), p);
        InputImages.Problem q = InputImages.unreadable(Path.of("x"), new java.io.UncheckedIOException(
                new AccessDeniedException("x")));
        assertEquals("permission denied", q.message());
    }

    @Test
    void anUnwritableOutIsRefusedBeforeAnyInference() throws IOException {
        Path target = Path.of("/proc");
        boolean procRefuses = Files.isDirectory(target) && !canCreateIn(target);
        if (!procRefuses) {
            target = Files.createDirectories(dir.resolve("readonly"));
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r-xr-xr-x"));
            Assumptions.assumeFalse(canCreateIn(target), "no folder this test cannot write to");
        }
        Run r = segment(data.toString(), "--out", target.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().contains("--out " + target + ": cannot write there"), r.toString());
        assertFalse(r.out().contains("nuclei"), "no image was segmented: " + r);
    }

    private static boolean canCreateIn(Path folder) {
        try {
            Files.delete(Files.createTempFile(folder, "probe", ".tmp"));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Test
    void anOutThatIsAFileIsOneLine() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Run r = segment(data.toString(), "--out", file.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().contains("not a folder"), r.toString());
    }

    // ---- '-': one image from standard input --------------------------------------------------------------------

    @Test
    void dashReadsOneImageFromStandardInput() throws IOException {
        byte[] png = Files.readAllBytes(data.resolve("s0/image.png"));
        Run r = segmentWith(c -> c.stdin = new ByteArrayInputStream(png), "-", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("[1/1] stdin: "), r.toString());
        assertTrue(Files.isRegularFile(out.resolve("stdin_labels.png")));
        assertEquals("-", summary().get(1).get(0));
        try (var s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "the copy of stdin is removed");
        }
        Run twice = Run.of("segment", "-", "-", "--out", out.resolve("x").toString());
        assertEquals(2, twice.exitCode(), twice.toString());
        Run help = Run.of("segment", "--help");
        assertTrue(help.out().replaceAll("\\s+", " ").contains("- reads one image from standard input"), help.out());
    }

    @Test
    void emptyStandardInputIsOneFailedImage() {
        Run r = segmentWith(c -> c.stdin = InputStream.nullInputStream(), "-", "--out", out.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("segment: -: "), r.toString());
    }
}
