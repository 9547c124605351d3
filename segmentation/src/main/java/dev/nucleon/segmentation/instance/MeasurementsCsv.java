package dev.nucleon.segmentation.instance;

import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.segmentation.io.Csv;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes nucleus measurements as CSV (comma-separated, '.' decimal point, header row, NaN for missing
 * values), one row per nucleus — readable by pandas, R, Excel and CellProfiler Analyst. Atomic write.
 *
 * <p>Columns: {@code image} (the image the nucleus is in, so that the files of a run can be concatenated),
 * {@code label}, then the {@link NucleusMeasurement} values. Lengths and areas carry their unit in their names: in
 * micrometres when the pixel size is known ({@code area_um2}, {@code centroid_x_um}, {@code equivalent_diameter_um},
 * {@code perimeter_um}; a length in pixels times the pixel width s, an area times s²), else in pixels
 * ({@code area_px}, {@code centroid_x_px}, …). The bounding box stays in pixel indices ({@code bbox_x0} …);
 * circularity and intensities have no unit.
 */
public final class MeasurementsCsv {
    private MeasurementsCsv() {
    }

    /**
     * Whether a pixel size is known.
     *
     * @param micronsPerPixel a pixel width in µm, or NaN
     * @return whether it is finite and positive
     */
    public static boolean calibrated(double micronsPerPixel) {
        return micronsPerPixel > 0 && !Double.isInfinite(micronsPerPixel);
    }

    /**
     * The measurement columns (without {@code image}), their units as {@link MeasurementsCsv} says.
     *
     * @param micronsPerPixel the pixel width in µm, NaN when unknown
     * @return the column names
     */
    public static List<String> columns(double micronsPerPixel) {
        String len = calibrated(micronsPerPixel) ? "_um" : "_px";
        String area = calibrated(micronsPerPixel) ? "area_um2" : "area_px";
        return List.of("label", area, "centroid_x" + len, "centroid_y" + len, "bbox_x0", "bbox_y0", "bbox_x1",
                "bbox_y1", "equivalent_diameter" + len, "perimeter" + len, "circularity", "mean_intensity",
                "max_intensity");
    }

    /**
     * One nucleus' values in the order of {@link #columns}.
     *
     * @param m               the nucleus
     * @param micronsPerPixel the pixel width in µm, NaN when unknown
     * @return the values as written ("NaN" when missing)
     */
    public static List<String> values(NucleusMeasurement m, double micronsPerPixel) {
        boolean um = calibrated(micronsPerPixel);
        double s = um ? micronsPerPixel : 1;
        List<String> v = new ArrayList<>(13);
        v.add(Integer.toString(m.label()));
        v.add(um ? num(m.area() * s * s) : Integer.toString(m.area()));
        v.add(num(m.centroidX() * s));
        v.add(num(m.centroidY() * s));
        v.add(Integer.toString(m.x0()));
        v.add(Integer.toString(m.y0()));
        v.add(Integer.toString(m.x1()));
        v.add(Integer.toString(m.y1()));
        v.add(num(m.equivalentDiameter() * s));
        v.add(num(m.perimeter() * s));
        v.add(num(m.circularity()));
        v.add(num(m.meanIntensity()));
        v.add(num(m.maxIntensity()));
        return v;
    }

    /**
     * The header row.
     *
     * @param micronsPerPixel the pixel width in µm, NaN when unknown
     * @return {@code image} and {@link #columns}, ending in '\n'
     */
    public static String header(double micronsPerPixel) {
        List<String> h = new ArrayList<>(List.of("image"));
        h.addAll(columns(micronsPerPixel));
        return Csv.row(h.toArray(String[]::new));
    }

    /**
     * The CSV text of the nuclei of one image.
     *
     * @param image           the image's name, the {@code image} column of every row
     * @param rows            its nuclei
     * @param micronsPerPixel the pixel width in µm, NaN when unknown
     * @return header first, rows ending in '\n'
     */
    public static String toCsv(String image, List<NucleusMeasurement> rows, double micronsPerPixel) {
        StringBuilder sb = new StringBuilder(header(micronsPerPixel));
        String imageField = Csv.field(image);
        for (NucleusMeasurement m : rows) {
            sb.append(imageField);
            for (String v : values(m, micronsPerPixel)) {
                sb.append(',').append(v);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * Writes {@link #toCsv} to {@code file}, atomically.
     *
     * @param image           the image's name
     * @param rows            its nuclei
     * @param micronsPerPixel the pixel width in µm, NaN when unknown
     * @param file            the CSV file
     * @throws IOException when it cannot be written (the message names the file)
     */
    public static void write(String image, List<NucleusMeasurement> rows, double micronsPerPixel, Path file)
            throws IOException {
        AtomicFileWriter.writeString(file, toCsv(image, rows, micronsPerPixel));
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
