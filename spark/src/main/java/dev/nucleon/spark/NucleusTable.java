package dev.nucleon.spark;

import dev.nucleon.segmentation.instance.MeasurementsCsv;
import dev.nucleon.segmentation.instance.NucleusMeasurement;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of {@code nuclei.parquet}, one row per nucleus: exactly the columns of the CLI's
 * {@code <name>_nuclei.csv} ({@link MeasurementsCsv}), with the same values, so a screen's table is the CSVs of a
 * {@code nucleon segment} run concatenated.
 *
 * <p>A CSV names its unit in its columns ({@code area_px} or {@code area_um2}, …) and one run may hold both kinds of
 * image (calibrated TIFFs next to plain PNGs), so the table's schema is the union: {@code image}, then the pixel
 * columns in the CSV's order, then the micrometre ones; a row fills the columns of its own CSV and leaves the others
 * null. Integers (label, pixel area, bounding box) are {@code int}; the rest {@code double}, parsed from the very
 * strings the CSV holds (4 decimals), so a row and its CSV line compare equal value for value.
 */
final class NucleusTable {
    /** The measurement columns, pixel ones then micrometre ones, without {@code image}. */
    static final List<String> COLUMNS = union();
    /** {@code image} then {@link #COLUMNS}. */
    static final StructType SCHEMA = schema();

    private NucleusTable() {
    }

    private static List<String> union() {
        Set<String> all = new LinkedHashSet<>(MeasurementsCsv.columns(Double.NaN));
        all.addAll(MeasurementsCsv.columns(1.0));
        return List.copyOf(all);
    }

    /** Whether a column holds whole numbers: the label, the area in pixels and the bounding box. */
    static boolean integral(String column) {
        return column.equals("label") || column.equals("area_px") || column.startsWith("bbox_");
    }

    private static StructType schema() {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("image", DataTypes.StringType, false));
        for (String c : COLUMNS) {
            DataType t = integral(c) ? DataTypes.IntegerType : DataTypes.DoubleType;
            fields.add(DataTypes.createStructField(c, t, !c.equals("label")));
        }
        return DataTypes.createStructType(fields);
    }

    /**
     * One nucleus as the table's values, in {@link #SCHEMA}'s order.
     *
     * @param image           the {@code image} column (the input path as given)
     * @param m               the nucleus
     * @param micronsPerPixel the pixel width the CSV was written in, NaN for pixels
     * @return image, then one value or null per column of {@link #COLUMNS}
     */
    static Object[] values(String image, NucleusMeasurement m, double micronsPerPixel) {
        List<String> names = MeasurementsCsv.columns(micronsPerPixel);
        List<String> written = MeasurementsCsv.values(m, micronsPerPixel);
        Object[] row = new Object[1 + COLUMNS.size()];
        row[0] = image;
        for (int i = 0; i < names.size(); i++) {
            String c = names.get(i);
            row[1 + COLUMNS.indexOf(c)] = integral(c) ? (Object) Integer.valueOf(written.get(i))
                    : (Object) Double.valueOf(written.get(i));
        }
        return row;
    }
}
