package dev.nucleon.segmentation.instance;

import dev.nucleon.segmentation.io.AtomicFileWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes nucleus measurements as CSV (comma-separated, '.' decimal point, header row, NaN for missing
 * values), one row per nucleus — readable by pandas, R, Excel and CellProfiler Analyst. Atomic write.
 */
public final class MeasurementsCsv {
    /** The header row. */
    public static final String HEADER = "label,area,centroid_x,centroid_y,bbox_x0,bbox_y0,bbox_x1,bbox_y1,"
            + "equivalent_diameter,perimeter,circularity,mean_intensity,max_intensity";

    private MeasurementsCsv() {
    }

    /** The CSV text, header first, rows ending in '\n'. */
    public static String toCsv(List<NucleusMeasurement> rows) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (NucleusMeasurement m : rows) {
            sb.append(m.label()).append(',').append(m.area()).append(',')
                    .append(num(m.centroidX())).append(',').append(num(m.centroidY())).append(',')
                    .append(m.x0()).append(',').append(m.y0()).append(',').append(m.x1()).append(',')
                    .append(m.y1()).append(',').append(num(m.equivalentDiameter())).append(',')
                    .append(num(m.perimeter())).append(',').append(num(m.circularity())).append(',')
                    .append(num(m.meanIntensity())).append(',').append(num(m.maxIntensity())).append('\n');
        }
        return sb.toString();
    }

    public static void write(List<NucleusMeasurement> rows, Path file) throws IOException {
        AtomicFileWriter.writeString(file, toCsv(rows));
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
