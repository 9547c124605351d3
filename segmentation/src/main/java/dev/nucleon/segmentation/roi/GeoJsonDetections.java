package dev.nucleon.segmentation.roi;

import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.segmentation.instance.MeasurementsCsv;
import dev.nucleon.segmentation.instance.NucleusMeasurement;
import dev.nucleon.segmentation.io.JsonWriter;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes the nuclei of one image as a GeoJSON FeatureCollection (RFC 7946) that QuPath imports as detections
 * (File &gt; Import objects from file, or drag and drop the {@code .geojson} onto the open image):
 * <pre>
 * {"type":"FeatureCollection","features":[
 *   {"type":"Feature","id":"&lt;UUID&gt;",
 *    "geometry":{"type":"Polygon","coordinates":[[[x0,y0],[x1,y1],…,[x0,y0]]]},
 *    "properties":{"objectType":"detection","name":"5","classification":{"name":"Nucleus","color":[…]},
 *                  "measurements":{"label":5,"area_um2":41.2,…}}}, …]}
 * </pre>
 * Coordinates are in pixels of the full image, on pixel corners ({@link Outline}; QuPath's convention, whatever the
 * calibration), each ring closed (its first vertex repeated last). The measurements are the per-nucleus CSV's
 * columns and values ({@link MeasurementsCsv}: µm / µm² when the pixel size is known, with the unit in the name);
 * a missing value (NaN) is left out, as JSON has no NaN. The {@code id} is a UUID, as QuPath's objects have, derived
 * from the label ({@link UUID#nameUUIDFromBytes}), so the same labels give the same file; the measurements are an
 * object of name → value, as QuPath 0.4 and later write and read them.
 */
public final class GeoJsonDetections {
    /** The class name QuPath shows for every nucleus. */
    public static final String CLASSIFICATION = "Nucleus";

    private GeoJsonDetections() {
    }

    /**
     * The FeatureCollection of {@code outlines}, each with the measurements of its label (none when
     * {@code measurements} has no row for it).
     *
     * @param outlines        the nuclei's outlines ({@link OutlineTracing})
     * @param measurements    their measurements, matched by label
     * @param micronsPerPixel the pixel width in µm, NaN when unknown (the measurements are then in pixels)
     * @return the GeoJSON text
     */
    public static String toJson(List<Outline> outlines, List<NucleusMeasurement> measurements,
            double micronsPerPixel) {
        Map<Integer, NucleusMeasurement> byLabel = new HashMap<>();
        for (NucleusMeasurement m : measurements) {
            byLabel.put(m.label(), m);
        }
        List<String> columns = MeasurementsCsv.columns(micronsPerPixel);
        StringBuilder sb = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        for (int i = 0; i < outlines.size(); i++) {
            Outline o = outlines.get(i);
            JsonWriter f = new JsonWriter().beginObject()
                    .name("type").value("Feature")
                    .name("id").value(UUID.nameUUIDFromBytes(("nucleon nucleus " + o.label())
                            .getBytes(StandardCharsets.UTF_8)).toString())
                    .name("geometry").beginObject().name("type").value("Polygon").name("coordinates").beginArray()
                    .beginArray();
            for (int v = 0; v <= o.size(); v++) {
                int at = v % o.size();
                f.beginArray().value(o.x()[at]).value(o.y()[at]).endArray();
            }
            f.endArray().endArray().endObject()
                    .name("properties").beginObject()
                    .name("objectType").value("detection")
                    .name("name").value(Integer.toString(o.label()))
                    .name("classification").beginObject().name("name").value(CLASSIFICATION)
                    .name("color").beginArray().value(230).value(60).value(60).endArray().endObject()
                    .name("measurements").beginObject();
            NucleusMeasurement m = byLabel.get(o.label());
            if (m != null) {
                List<String> values = MeasurementsCsv.values(m, micronsPerPixel);
                for (int c = 0; c < columns.size(); c++) {
                    double value = Double.parseDouble(values.get(c));
                    if (!Double.isNaN(value)) {
                        f.name(columns.get(c)).value(value);
                    }
                }
            }
            f.endObject().endObject().endObject();
            sb.append(i == 0 ? "\n" : ",\n").append(f);
        }
        return sb.append("\n]}\n").toString();
    }

    /**
     * Writes {@link #toJson} to {@code file} atomically (UTF-8).
     *
     * @param outlines        the nuclei's outlines
     * @param measurements    their measurements, matched by label
     * @param micronsPerPixel the pixel width in µm, NaN when unknown
     * @param file            the {@code .geojson} file
     * @throws IOException when it cannot be written (the message names the file)
     */
    public static void write(List<Outline> outlines, List<NucleusMeasurement> measurements, double micronsPerPixel,
            Path file) throws IOException {
        String json = toJson(outlines, measurements, micronsPerPixel);
        AtomicFileWriter.write(file, tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(json);
            }
        });
    }
}
