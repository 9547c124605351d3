package dev.nucleon.segmentation.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.instance.NucleusMeasurement;
import dev.nucleon.segmentation.instance.RegionMeasurements;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outlines traced from label maps, and the two files made of them read back by readers written here from the
 * formats' descriptions: ImageJ's binary {@code .roi} in a zip, and QuPath's GeoJSON.
 */
class OutlineTest {
    @TempDir
    Path dir;

    /** Pixel count of each label 1..max. */
    private static int[] counts(LabelImage l) {
        int[] c = new int[l.maxLabel() + 1];
        for (int v : l.data()) {
            c[v]++;
        }
        return c;
    }

    @Test
    void aSquareIsFourCornersAroundItsPixels() {
        LabelImage l = LabelImage.parse(".....", ".111.", ".111.", ".111.", ".....");
        Outline o = OutlineTracing.trace(l).get(0);
        assertArrayEquals(new int[] {1, 4, 4, 1}, o.x());
        assertArrayEquals(new int[] {1, 1, 4, 4}, o.y());
        assertEquals(9, o.area());
    }

    @Test
    void shoelaceAreaEqualsThePixelCountForConcaveDiagonalAndBorderShapes() {
        LabelImage l = LabelImage.parse(
                "11..22",
                "1...22",
                "111.2.",
                "..3...",
                ".3.3..",
                "3...44");
        List<Outline> outlines = OutlineTracing.trace(l);
        int[] counts = counts(l);
        assertEquals(4, outlines.size());
        for (Outline o : outlines) {
            assertEquals(counts[o.label()], o.area(), 1e-9, "label " + o.label());
        }
        Outline single = OutlineTracing.trace(LabelImage.parse("1")).get(0);
        assertEquals(4, single.size());
        assertEquals(1, single.area());
    }

    @Test
    void randomDisksKeepTheirPixelCount() {
        Random rnd = new Random(17);
        int w = 120, h = 90;
        int[] d = new int[w * h];
        for (int k = 1; k <= 25; k++) {
            double cx = rnd.nextDouble() * w, cy = rnd.nextDouble() * h, rx = 2 + rnd.nextDouble() * 8,
                    ry = 2 + rnd.nextDouble() * 8;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double u = (x - cx) / rx, v = (y - cy) / ry;
                    if (u * u + v * v <= 1) {
                        d[y * w + x] = k;
                    }
                }
            }
        }
        LabelImage l = new LabelImage(w, h, d);
        int[] counts = counts(l);
        List<Outline> outlines = OutlineTracing.trace(l);
        assertTrue(outlines.size() >= 15, "most disks survive overlaps: " + outlines.size());
        int checked = 0;
        for (Outline o : outlines) {
            // overlapping disks can leave a label in pieces or around a hole; compare the simple ones
            if (isOneHolelessPiece(l, o.label())) {
                assertEquals(counts[o.label()], o.area(), 1e-9, "label " + o.label());
                checked++;
            }
        }
        assertTrue(checked >= 10, "simple labels checked: " + checked);
    }

    /** Whether label k is one 8-connected piece whose complement (with the outside) is one 4-connected piece. */
    private static boolean isOneHolelessPiece(LabelImage l, int k) {
        int w = l.width(), h = l.height();
        int[] d = l.data();
        return pieces(d, w, h, v -> v == k, true) == 1 && pieces(pad(d, w, h), w + 2, h + 2, v -> v != k, false) == 1;
    }

    private static int[] pad(int[] d, int w, int h) {
        int[] p = new int[(w + 2) * (h + 2)];
        for (int y = 0; y < h; y++) {
            System.arraycopy(d, y * w, p, (y + 1) * (w + 2) + 1, w);
        }
        return p;
    }

    private static int pieces(int[] d, int w, int h, java.util.function.IntPredicate in, boolean eight) {
        boolean[] seen = new boolean[d.length];
        int n = 0;
        java.util.ArrayDeque<Integer> q = new java.util.ArrayDeque<>();
        for (int s = 0; s < d.length; s++) {
            if (!in.test(d[s]) || seen[s]) {
                continue;
            }
            n++;
            seen[s] = true;
            q.add(s);
            while (!q.isEmpty()) {
                int i = q.poll(), x = i % w, y = i / w;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        if ((dx == 0 && dy == 0) || (!eight && dx != 0 && dy != 0)) {
                            continue;
                        }
                        int nx = x + dx, ny = y + dy, j = ny * w + nx;
                        if (nx >= 0 && ny >= 0 && nx < w && ny < h && !seen[j] && in.test(d[j])) {
                            seen[j] = true;
                            q.add(j);
                        }
                    }
                }
            }
        }
        return n;
    }

    // ---- ImageJ ROI zip, read back by an independent decoder of ImageJ's .roi format ------------------------------

    /** A polygon ROI as ImageJ's RoiDecoder reads it: name, type, absolute vertices. */
    record DecodedRoi(String name, int type, int version, float[] x, float[] y) {
        double area() {
            double twice = 0;
            for (int i = 0; i < x.length; i++) {
                int j = (i + 1) % x.length;
                twice += (double) x[i] * y[j] - (double) x[j] * y[i];
            }
            return Math.abs(twice) / 2;
        }
    }

    static List<DecodedRoi> readRoiZip(Path zip) throws IOException {
        List<DecodedRoi> rois = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                rois.add(decodeRoi(e.getName(), readAll(in)));
            }
        }
        return rois;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /** ImageJ's .roi: "Iout", version@4, type@6, top@8, left@10, bottom@12, right@14, n@16, options@50, coords@64. */
    static DecodedRoi decodeRoi(String name, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes); // big-endian
        assertEquals("Iout", new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        int version = b.getShort(4), type = bytes[6] & 0xFF;
        int top = b.getShort(8), left = b.getShort(10);
        int n = b.getShort(16) & 0xFFFF, options = b.getShort(50) & 0xFFFF;
        float[] x = new float[n], y = new float[n];
        boolean subPixel = (options & 128) != 0;
        for (int i = 0; i < n; i++) {
            if (subPixel) {
                x[i] = b.getFloat(64 + 4 * n + 4 * i);
                y[i] = b.getFloat(64 + 8 * n + 4 * i);
            } else {
                x[i] = left + b.getShort(64 + 2 * i);
                y[i] = top + b.getShort(64 + 2 * n + 2 * i);
            }
        }
        assertEquals(subPixel ? 64 + 12 * n : 64 + 4 * n, bytes.length, name);
        return new DecodedRoi(name, type, version, x, y);
    }

    @Test
    void theRoiZipReadsBackAsImageJPolygonsWithTheLabelInTheNameAndThePixelCountAsArea() throws IOException {
        LabelImage l = LabelImage.parse(
                "..........",
                ".11....33.",
                ".111...33.",
                "..1.......",
                "......5555",
                "......5..5",
                "......5555");
        List<Outline> outlines = OutlineTracing.trace(l);
        Path zip = dir.resolve("img_rois.zip");
        ImageJRoiZip.write(outlines, zip);
        List<DecodedRoi> rois = readRoiZip(zip);
        assertEquals(List.of("0001-1.roi", "0002-3.roi", "0003-5.roi"), rois.stream().map(DecodedRoi::name).toList());
        int[] counts = counts(l);
        for (int i = 0; i < rois.size(); i++) {
            DecodedRoi r = rois.get(i);
            assertEquals(0, r.type(), "polygon");
            assertEquals(228, r.version());
            assertEquals(outlines.get(i).size(), r.x().length);
            int label = outlines.get(i).label();
            if (label != 5) {
                assertEquals(counts[label], r.area(), 1e-9, r.name());
            }
        }
        assertEquals(12, rois.get(2).area(), 1e-9, "the outer boundary encloses the ring's hole: 4 x 3");
        assertEquals(List.of(3f, 1f), List.of(rois.get(0).x()[1], rois.get(0).y()[1])); // the top edge (1,1)-(3,1)
    }

    @Test
    void anImageWithoutNucleiGivesAnEmptyRoiSetAndAnEmptyFeatureCollection() throws IOException {
        List<Outline> none = OutlineTracing.trace(LabelImage.parse("...", "..."));
        assertTrue(none.isEmpty());
        ImageJRoiZip.write(none, dir.resolve("none.zip"));
        assertTrue(readRoiZip(dir.resolve("none.zip")).isEmpty());
        GeoJsonDetections.write(none, List.of(), Double.NaN, dir.resolve("none.geojson"));
        Object fc = MiniJson.parse(Files.readString(dir.resolve("none.geojson")));
        assertEquals(List.of(), ((Map<?, ?>) fc).get("features"));
    }

    @Test
    void coordinatesBeyondInt16AreCarriedAsFloats() throws IOException {
        Outline far = new Outline(7, new int[] {40000, 40003, 40003, 40000}, new int[] {100, 100, 102, 102});
        DecodedRoi r = decodeRoi("x.roi", ImageJRoiZip.encode(far, Path.of("x.zip")));
        assertArrayEquals(new float[] {40000, 40003, 40003, 40000}, r.x());
        assertEquals(6, r.area(), 1e-9);
    }

    // ---- GeoJSON ----------------------------------------------------------------------------------------------------

    @Test
    @SuppressWarnings("unchecked")
    void theGeoJsonIsAFeatureCollectionOfClosedPolygonDetectionsWithTheirMeasurements() throws IOException {
        LabelImage l = LabelImage.parse(
                "11....",
                "111.22",
                ".1..22",
                "......");
        List<Outline> outlines = OutlineTracing.trace(l);
        List<NucleusMeasurement> ms = RegionMeasurements.measure(l, null);
        Path file = dir.resolve("img.geojson");
        GeoJsonDetections.write(outlines, ms, 0.5, file);
        Map<String, Object> fc = (Map<String, Object>) MiniJson.parse(Files.readString(file));
        assertEquals("FeatureCollection", fc.get("type"));
        List<Object> features = (List<Object>) fc.get("features");
        assertEquals(2, features.size());
        int[] counts = counts(l);
        for (Object o : features) {
            Map<String, Object> f = (Map<String, Object>) o;
            assertEquals("Feature", f.get("type"));
            assertEquals(f.get("id"), java.util.UUID.fromString((String) f.get("id")).toString(), "a UUID");
            Map<String, Object> g = (Map<String, Object>) f.get("geometry");
            assertEquals("Polygon", g.get("type"));
            List<Object> ring = (List<Object>) ((List<Object>) g.get("coordinates")).get(0);
            assertEquals(ring.get(0), ring.get(ring.size() - 1), "closed ring");
            double twice = 0;
            for (int i = 0; i + 1 < ring.size(); i++) {
                List<Object> p = (List<Object>) ring.get(i), q = (List<Object>) ring.get(i + 1);
                twice += (Double) p.get(0) * (Double) q.get(1) - (Double) q.get(0) * (Double) p.get(1);
            }
            Map<String, Object> props = (Map<String, Object>) f.get("properties");
            assertEquals("detection", props.get("objectType"));
            assertEquals("Nucleus", ((Map<String, Object>) props.get("classification")).get("name"));
            Map<String, Object> m = (Map<String, Object>) props.get("measurements");
            int label = ((Double) m.get("label")).intValue();
            assertEquals(counts[label], Math.abs(twice) / 2, 1e-9, "shoelace area of the ring, px");
            assertEquals(counts[label] * 0.25, (Double) m.get("area_um2"), 1e-4, "area in µm² at 0.5 µm/px");
            assertTrue(m.containsKey("perimeter_um") && !m.containsKey("mean_intensity"), m.toString()); // NaN left out
        }
    }
}
