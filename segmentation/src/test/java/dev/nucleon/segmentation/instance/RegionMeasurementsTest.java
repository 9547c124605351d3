package dev.nucleon.segmentation.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.Csv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionMeasurementsTest {
    @TempDir
    Path dir;

    @Test
    void squareAndSinglePixelByHand() {
        LabelImage l = LabelImage.parse(
                "......",
                ".111..",
                ".111..",
                ".111.2",
                "......");
        float[] in = new float[30];
        for (int i = 0; i < 30; i++) {
            in[i] = i;
        }
        List<NucleusMeasurement> ms = RegionMeasurements.measure(l, new FloatImage(6, 5, 1, in));
        assertEquals(2, ms.size());
        NucleusMeasurement sq = ms.get(0);
        assertEquals(1, sq.label());
        assertEquals(9, sq.area());
        assertEquals(2.0, sq.centroidX(), 1e-12);
        assertEquals(2.0, sq.centroidY(), 1e-12);
        assertEquals(1, sq.x0());
        assertEquals(1, sq.y0());
        assertEquals(4, sq.x1());
        assertEquals(4, sq.y1());
        assertEquals(Math.sqrt(36 / Math.PI), sq.equivalentDiameter(), 1e-12);
        assertEquals(8.0, sq.perimeter(), 1e-12, "scikit-image gives 8 for a 3x3 square");
        assertEquals(4 * Math.PI * 9 / 64, sq.circularity(), 1e-12);
        // intensity = index: pixels 7,8,9,13,14,15,19,20,21 → mean 14, max 21
        assertEquals(14.0, sq.meanIntensity(), 1e-9);
        assertEquals(21.0, sq.maxIntensity(), 1e-9);
        NucleusMeasurement dot = ms.get(1);
        assertEquals(1, dot.area());
        assertEquals(0.0, dot.perimeter());
        assertTrue(Double.isNaN(dot.circularity()));
    }

    @Test
    void diskPerimeterIsCloseToTwoPiR() {
        int n = 64;
        int[] d = new int[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                d[y * n + x] = Math.hypot(x - 31.5, y - 31.5) <= 20 ? 1 : 0;
            }
        }
        NucleusMeasurement m = RegionMeasurements.measure(new LabelImage(n, n, d), null).get(0);
        assertEquals(2 * Math.PI * 20, m.perimeter(), 0.05 * 2 * Math.PI * 20);
        assertEquals(1.0, m.circularity(), 0.1);
        assertTrue(Double.isNaN(m.meanIntensity()));
    }

    @Test
    void writesCsv() throws IOException {
        List<NucleusMeasurement> ms = RegionMeasurements.measure(LabelImage.parse("11", "1."), null);
        Path p = dir.resolve("m.csv");
        MeasurementsCsv.write("a,b.png", ms, Double.NaN, p);
        List<String> lines = Files.readAllLines(p);
        assertEquals("image,label,area_px,centroid_x_px,centroid_y_px,bbox_x0,bbox_y0,bbox_x1,bbox_y1,"
                + "equivalent_diameter_px,perimeter_px,circularity,mean_intensity,max_intensity", lines.get(0));
        assertTrue(lines.get(1).startsWith("\"a,b.png\",1,3,0.3333,0.3333,0,0,2,2,1.9544,"), lines.get(1));
        assertTrue(lines.get(1).endsWith(",NaN,NaN"));
        assertEquals(MeasurementsCsv.header(Double.NaN), MeasurementsCsv.toCsv("x", List.of(), Double.NaN));
        // calibrated at 0.5 µm/px: lengths × 0.5, the area × 0.25, the box in pixel indices
        List<String> um = Csv.records(MeasurementsCsv.toCsv("x", ms, 0.5)).get(1);
        assertEquals(List.of("x", "1", "0.7500", "0.1667", "0.1667", "0", "0", "2", "2", "0.9772"), um.subList(0, 10));
        assertTrue(MeasurementsCsv.header(0.5).startsWith("image,label,area_um2,centroid_x_um,centroid_y_um,bbox_x0,"));
        assertTrue(MeasurementsCsv.header(0.5).contains(",equivalent_diameter_um,perimeter_um,circularity,"));
        Path unwritable = dir.resolve("m.csv").resolve("x.csv"); // m.csv is a file, not a folder
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> MeasurementsCsv.write("x", ms, Double.NaN, unwritable));
        assertTrue(e.getMessage().startsWith(unwritable.toString()), e.getMessage());
    }
}
