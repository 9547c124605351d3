package dev.nucleon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.nn.io.Json;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.Csv;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.io.TiffBuilder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 (items 1–3): {@code segment --channel/--page} on multi-channel and multi-page TIFFs as ImageJ writes
 * them, the file's calibration and {@code --pixel-size} in the measurements, and the interop outputs
 * ({@code --save-rois}, {@code --geojson}, {@code --label-format tiff}) read back by independent readers. The bundled
 * model segments small synthetic images of bright discs.
 */
class SegmentInteropTest {
    @TempDir
    Path dir;
    Path out;

    static final int W = 96, H = 80;

    /** Three bright discs on a dark background, 8-bit samples. */
    static int[] discs() {
        int[] v = new int[W * H];
        int[][] discs = {{24, 22, 9}, {66, 28, 10}, {44, 58, 11}};
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                v[y * W + x] = 25;
                for (int[] d : discs) {
                    if ((x - d[0]) * (x - d[0]) + (y - d[1]) * (y - d[1]) <= d[2] * d[2]) {
                        v[y * W + x] = 210;
                    }
                }
            }
        }
        return v;
    }

    /** Speckle noise, 8-bit samples. */
    static int[] noise() {
        Random r = new Random(3);
        int[] v = new int[W * H];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(256);
        }
        return v;
    }

    /** A two-channel ImageJ hyperstack (noise, then the discs) calibrated at 0.5 µm per pixel. */
    Path hyperstack(String name) throws IOException {
        return new TiffBuilder(W, H, 1, 8).page(noise()).page(discs()).resolution(2, 1)
                .description("ImageJ=1.54f\nimages=2\nchannels=2\nmode=composite\nunit=micron\n")
                .write(dir.resolve("in").resolve(name));
    }

    /** The discs alone, uncalibrated. */
    Path plain(String name) throws IOException {
        return new TiffBuilder(W, H, 1, 8).page(discs()).write(dir.resolve("in").resolve(name));
    }

    @BeforeEach
    void setUp() {
        out = dir.resolve("out");
    }

    private Run segment(String... args) {
        return segmentTo(out, args);
    }

    private Run segmentTo(Path folder, String... args) {
        List<String> all = new ArrayList<>(List.of("segment"));
        all.addAll(List.of(args));
        all.addAll(List.of("--out", folder.toString(), "--diameter", "0", "--tile", "96", "--overlap", "16"));
        return Run.of(all.toArray(String[]::new));
    }

    private List<List<String>> csv(String name) throws IOException {
        return Csv.records(Files.readString(out.resolve(name)));
    }

    @Test
    void aTwoChannelTiffWithoutChannelIsAOneLineErrorListingWhatItHoldsAndTheBatchGoesOn() throws IOException {
        Path stack = hyperstack("stack.tif");
        Path ok = plain("ok.tif");
        Run r = segment(stack.toString(), ok.toString());
        assertEquals(1, r.exitCode(), r.toString());
        List<String> errors = r.err().lines().filter(l -> l.contains("stack.tif")).toList();
        assertEquals(List.of("segment: " + stack + ": holds 2 channels (ImageJ hyperstack) and 1 page (8-bit 96x80); "
                + "choose with --channel 0..1, skipped"), errors, r.toString());
        assertTrue(r.out().contains("ok: "), r.toString());
        assertTrue(Files.exists(out.resolve("ok_nuclei.csv")));
        assertFalse(Files.exists(out.resolve("stack_nuclei.csv")));

        Path three = new TiffBuilder(W, H, 1, 8).page(noise()).page(noise()).page(discs())
                .description("ImageJ=1.54f\nimages=3\nchannels=3\n").write(dir.resolve("in/three.tif"));
        Run range = segment(stack.toString(), three.toString(), "--channel", "2", "--overwrite");
        assertEquals(1, range.exitCode(), range.toString());
        assertTrue(range.err().contains("segment: " + stack + ": channel 2 requested, the file holds 2 channels (0..1)"
                + ", skipped"), range.toString());
        assertEquals(4, csv("three_nuclei.csv").size(), "the batch went on: three's channel 2 has the three discs");
    }

    @Test
    void theChosenChannelIsWhatIsSegmentedAndTheFilesCalibrationGivesMicrometres() throws IOException {
        Path stack = hyperstack("stack.tif");
        Path ok = plain("ok.tif");
        Run r = segment(stack.toString(), "--channel", "1");
        assertEquals(0, r.exitCode(), r.toString());
        Path plainOut = dir.resolve("plain-out");
        Run p = segmentTo(plainOut, ok.toString());
        assertEquals(0, p.exitCode(), p.toString());
        Run gray = segmentTo(dir.resolve("gray-out"), ok.toString(), "--channel", "1");
        assertEquals(1, gray.exitCode(), "a one-channel image has no channel 1");
        assertTrue(gray.err().contains(ok + ": channel 1 requested, the file holds 1 channel (0..0), skipped"),
                gray.toString());
        List<List<String>> calibrated = csv("stack_nuclei.csv");
        List<List<String>> pixels = Csv.records(Files.readString(plainOut.resolve("ok_nuclei.csv")));
        assertEquals(4, calibrated.size(), "three discs: " + calibrated);
        assertEquals(pixels.size(), calibrated.size());
        assertEquals(List.of("image", "label", "area_um2", "centroid_x_um"), calibrated.get(0).subList(0, 4));
        assertEquals(List.of("image", "label", "area_px", "centroid_x_px"), pixels.get(0).subList(0, 4));
        for (int i = 1; i < pixels.size(); i++) {
            assertEquals(stack.toString(), calibrated.get(i).get(0));
            assertEquals(ok.toString(), pixels.get(i).get(0));
            double px = Double.parseDouble(pixels.get(i).get(2)), um2 = Double.parseDouble(calibrated.get(i).get(2));
            assertEquals(px * 0.25, um2, 1e-3, "the same nucleus, 0.5 µm pixels");
            assertEquals(Double.parseDouble(pixels.get(i).get(3)) * 0.5, Double.parseDouble(calibrated.get(i).get(3)),
                    1e-3);
        }
        List<List<String>> summary = csv("summary.csv");
        assertEquals(List.of("image", "nuclei", "mean_area", "output", "area_unit"), summary.get(0));
        assertEquals("um2", summary.get(1).get(4));
        assertEquals("px", Csv.records(Files.readString(plainOut.resolve("summary.csv"))).get(1).get(4));
    }

    @Test
    void pageChoosesAStackPositionAndPixelSizeOverridesTheCalibration() throws IOException {
        Path pages = new TiffBuilder(W, H, 1, 8).page(noise()).page(discs()).write(dir.resolve("in/pages.tif"));
        Run missing = segment(pages.toString());
        assertEquals(1, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains(pages + ": holds 1 channel and 2 pages (8-bit 96x80); choose with --page 0..1"),
                missing.toString());
        Run r = segment(pages.toString(), "--page", "1", "--pixel-size", "0.25", "--overwrite");
        assertEquals(0, r.exitCode(), r.toString());
        List<List<String>> rows = csv("pages_nuclei.csv");
        assertEquals(4, rows.size(), rows.toString());
        assertEquals("area_um2", rows.get(0).get(2));
        Run outOfRange = segment(pages.toString(), "--page", "2", "--overwrite");
        assertEquals(1, outOfRange.exitCode());
        assertTrue(outOfRange.err().contains(pages + ": page 2 requested, the file holds 2 pages (0..1), skipped"),
                outOfRange.toString());
    }

    @Test
    void eachImageIsALineWithItsCountTheCounterAndTheTimeLeftUnlessQuiet() throws IOException {
        Path a = plain("a.tif"), b = plain("b.tif");
        Run r = segment(a.toString(), b.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("\\[1/2\\] a: 3 nuclei  ETA \\d+s"), r.toString());
        assertEquals("[2/2] b: 3 nuclei", lines.get(1), r.toString());
        Run quiet = segment(a.toString(), b.toString(), "--quiet", "--overwrite");
        assertEquals(0, quiet.exitCode(), quiet.toString());
        assertEquals(List.of("2 image(s) segmented, 0 failed; results in " + out), quiet.out().lines().toList());
    }

    @Test
    void aRoiSetThatCannotBeWrittenIsOneLineNamingItAndTheBatchGoesOn() throws IOException {
        Path a = plain("a.tif"), b = plain("b.tif");
        Files.createDirectories(out.resolve("a_rois.zip")); // a non-empty folder where a's ROI set should go
        Files.writeString(out.resolve("a_rois.zip/keep"), "x");
        Run r = segment(a.toString(), b.toString(), "--save-rois", "--geojson", "--overwrite");
        assertEquals(1, r.exitCode(), r.toString());
        List<String> errors = r.err().lines().toList();
        assertEquals(1, errors.size(), r.toString());
        assertTrue(errors.get(0).startsWith("segment: " + a + ": " + out.resolve("a_rois.zip") + ": could not write"),
                r.toString());
        assertTrue(Files.exists(out.resolve("b_rois.zip")) && Files.exists(out.resolve("b.geojson")));
        assertFalse(Files.exists(out.resolve("a_nuclei.csv")), "a failed image leaves none of its files");
    }

    @Test
    void aPixelSizeOfZeroOrLessAndANegativeChannelAreUsageErrors() throws IOException {
        Path ok = plain("ok.tif");
        for (String[] bad : new String[][] {{"--pixel-size", "0"}, {"--pixel-size", "-0.3"}, {"--channel", "-1"},
                {"--page", "-2"}, {"--label-format", "jpeg"}}) {
            Run r = segment(ok.toString(), bad[0], bad[1]);
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().contains(bad[0]), r.toString());
        }
        assertFalse(Files.exists(out.resolve("ok_nuclei.csv")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void roisGeoJsonAndTiffLabelsReadBackWithTheNucleiOfTheCsv() throws IOException {
        Path stack = hyperstack("stack.tif");
        Run r = segment(stack.toString(), "--channel", "1", "--save-rois", "--geojson", "--label-format", "tiff");
        assertEquals(0, r.exitCode(), r.toString());
        List<List<String>> rows = csv("stack_nuclei.csv");
        int nuclei = rows.size() - 1;
        assertEquals(3, nuclei);
        assertFalse(Files.exists(out.resolve("stack_labels.png")));
        // the label map: a TIFF read by ImageIO's own decoder
        var tiff = ImageIO.read(out.resolve("stack_labels.tif").toFile());
        int max = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                max = Math.max(max, tiff.getRaster().getSample(x, y, 0));
            }
        }
        assertEquals(nuclei, max);
        LabelImage labels = ImageFileReader.readLabels(out.resolve("stack_labels.tif"));
        int[] count = new int[nuclei + 1];
        for (int v : labels.data()) {
            count[v]++;
        }
        // the ROI set: one ImageJ polygon per nucleus, its area the nucleus' pixel count
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(out.resolve("stack_rois.zip")))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                ByteBuffer b = ByteBuffer.wrap(zip.readAllBytes());
                assertEquals(0x496f7574, b.getInt(0), "Iout");
                assertEquals(0, b.get(6), "polygon");
                int top = b.getShort(8), left = b.getShort(10), n = b.getShort(16) & 0xFFFF;
                double twice = 0;
                for (int i = 0; i < n; i++) {
                    int j = (i + 1) % n;
                    double xi = left + b.getShort(64 + 2 * i), yi = top + b.getShort(64 + 2 * n + 2 * i);
                    double xj = left + b.getShort(64 + 2 * j), yj = top + b.getShort(64 + 2 * n + 2 * j);
                    twice += xi * yj - xj * yi;
                }
                int label = Integer.parseInt(e.getName().replaceAll("^\\d+-|\\.roi$", ""));
                assertEquals(count[label], Math.abs(twice) / 2, 1e-9, e.getName());
                names.add(e.getName());
            }
        }
        assertEquals(List.of("0001-1.roi", "0002-2.roi", "0003-3.roi"), names);
        // the GeoJSON: detections with closed rings and the CSV's measurements in µm
        Map<String, Object> fc = (Map<String, Object>) Json.parse(Files.readString(out.resolve("stack.geojson")));
        List<Object> features = (List<Object>) fc.get("features");
        assertEquals(nuclei, features.size());
        for (int i = 0; i < nuclei; i++) {
            Map<String, Object> f = (Map<String, Object>) features.get(i);
            List<Object> ring = (List<Object>) ((List<Object>) ((Map<String, Object>) f.get("geometry"))
                    .get("coordinates")).get(0);
            assertEquals(ring.get(0), ring.get(ring.size() - 1));
            Map<String, Object> props = (Map<String, Object>) f.get("properties");
            assertEquals("detection", props.get("objectType"));
            Map<String, Object> m = (Map<String, Object>) props.get("measurements");
            assertEquals(Double.parseDouble(rows.get(i + 1).get(2)), ((Json.Number) m.get("area_um2")).doubleValue(), 1e-3);
        }
        List<String> files = (List<String>) ((List<Map<String, Object>>) ((Map<String, Object>) Json.parse(
                Files.readString(out.resolve("manifest.json")))).get("images")).get(0).get("files");
        assertEquals(List.of("stack_labels.tif", "stack_overlay.png", "stack_nuclei.csv", "stack_rois.zip",
                "stack.geojson"), files);
    }
}
