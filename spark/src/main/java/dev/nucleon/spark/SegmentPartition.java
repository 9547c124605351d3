package dev.nucleon.spark;

import dev.nucleon.segmentation.inference.ImageFileSegmentation;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.instance.MeasurementsCsv;
import dev.nucleon.segmentation.instance.NucleusMeasurement;
import dev.nucleon.segmentation.output.ImageOutputFiles;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The work of one task: the images of one partition, one after another, each exactly as {@code nucleon segment}
 * does one ({@link ImageOutputFiles#write}: label map, overlay and {@code _nuclei.csv}, and the ROI set and
 * detections when asked, under {@code --out} by their output names), with the executor's shared model
 * ({@link ExecutorModel}).
 *
 * <p>Yields {@link #SCHEMA} rows, lazily (one image's rows in memory at a time): per image one {@code image} row
 * (its status, error, nucleus count and files) and one {@code nucleus} row per nucleus ({@link NucleusTable}'s
 * columns). An image that fails in any way (unreadable, corrupt, too big for the heap, out of memory) gives an
 * {@code image} row with the one-line reason, its half-written files removed; the task goes on.
 *
 * <p>Retries: the files are written atomically under deterministic names, so a retried task rewrites the same
 * files; its rows reach the Parquet tables only through Spark's commit of a successful attempt, once.
 */
final class SegmentPartition implements FlatMapFunction<Iterator<ImageTask>, Row> {
    private static final long serialVersionUID = 1L;

    /** The rows of the job: {@code kind}, the image's fields, then {@link NucleusTable#SCHEMA}'s. */
    static final StructType SCHEMA = schema();
    /** The columns before {@link NucleusTable#SCHEMA}'s. */
    static final int PREFIX = 8;

    /**
     * Fault injection for tests (local mode only: the driver's JVM): the first attempt of the task holding the
     * image of this output name dies after segmenting it, as a lost executor would.
     */
    static volatile String failFirstAttemptAfter;

    private final JobSettings settings;
    private final String out;

    /**
     * @param settings the job's options
     * @param out      the output folder, absolute, visible to every executor
     */
    SegmentPartition(JobSettings settings, String out) {
        this.settings = settings;
        this.out = out;
    }

    private static StructType schema() {
        List<StructField> f = new ArrayList<>();
        f.add(DataTypes.createStructField("kind", DataTypes.StringType, false));
        f.add(DataTypes.createStructField("name", DataTypes.StringType, false));
        f.add(DataTypes.createStructField("status", DataTypes.StringType, true));
        f.add(DataTypes.createStructField("error", DataTypes.StringType, true));
        f.add(DataTypes.createStructField("nuclei", DataTypes.IntegerType, true));
        f.add(DataTypes.createStructField("area_unit", DataTypes.StringType, true));
        f.add(DataTypes.createStructField("mean_area", DataTypes.DoubleType, true));
        f.add(DataTypes.createStructField("files", DataTypes.createArrayType(DataTypes.StringType), true));
        for (StructField n : NucleusTable.SCHEMA.fields()) {
            f.add(DataTypes.createStructField(n.name(), n.dataType(), true));
        }
        return DataTypes.createStructType(f);
    }

    @Override
    public Iterator<Row> call(Iterator<ImageTask> images) {
        return new Iterator<>() {
            private final ArrayDeque<Row> pending = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (pending.isEmpty() && images.hasNext()) {
                    pending.addAll(segment(images.next()));
                }
                return !pending.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.poll();
            }
        };
    }

    /** One image's rows: its nuclei then its {@code image} row, or only an {@code image} row with the error. */
    List<Row> segment(ImageTask image) {
        Path folder = Path.of(out);
        ImageOutputFiles outputs = settings.outputFiles();
        List<Row> rows = new ArrayList<>();
        Path copy = null;
        try {
            Predictor predictor = ExecutorModel.get(settings);
            Path file;
            if (ImageSources.isLocal(image.uri())) {
                file = image.uri().startsWith("file:") ? Path.of(URI.create(image.uri())) : Path.of(image.uri());
            } else {
                copy = localCopy(image.uri());
                file = copy;
            }
            Files.createDirectories(folder.resolve(image.name()).getParent());
            ImageOutputFiles.Written w = outputs.write(predictor, file, settings.fileSettings(image.input()), folder,
                    image.name());
            ImageFileSegmentation.Result r = w.result();
            double areaSum = 0; // as the CLI's summary: the written values, summed in row order
            int area = 1 + NucleusTable.COLUMNS.indexOf(MeasurementsCsv.calibrated(r.micronsPerPixel()) ? "area_um2"
                    : "area_px");
            for (NucleusMeasurement m : r.nuclei()) {
                Object[] v = NucleusTable.values(image.input(), m, r.micronsPerPixel());
                areaSum += ((Number) v[area]).doubleValue();
                Object[] row = new Object[PREFIX + v.length];
                row[0] = "nucleus";
                row[1] = image.name();
                System.arraycopy(v, 0, row, PREFIX, v.length);
                rows.add(RowFactory.create(row));
            }
            rows.add(imageRow(image, "ok", null, r.nuclei().size(),
                    MeasurementsCsv.calibrated(r.micronsPerPixel()) ? "um2" : "px",
                    r.nuclei().isEmpty() ? 0 : areaSum / r.nuclei().size(), w.files()));
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            rows.clear();
            for (String f : outputs.possibleFiles(image.name())) {
                try {
                    Files.deleteIfExists(folder.resolve(f));
                } catch (IOException | RuntimeException ignored) {
                    // stays; the manifest does not name it
                }
            }
            String why = ScreenSegmentation.reason(e);
            for (String prefix : List.of(image.input() + ": ", image.uri() + ": ")) {
                why = why.startsWith(prefix) ? why.substring(prefix.length()) : why;
            }
            rows.add(imageRow(image, "failed", why, 0, null, null, List.of()));
        } finally {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException ignored) {
                    // a temporary file of the executor's; its local dirs are cleaned when it exits
                }
            }
        }
        TaskContext task = TaskContext.get();
        if (image.name().equals(failFirstAttemptAfter) && task != null && task.attemptNumber() == 0) {
            throw new IllegalStateException("injected failure after " + image.name() + " (test)");
        }
        return rows;
    }

    private static Row imageRow(ImageTask image, String status, String error, int nuclei, String areaUnit,
            Double meanArea, List<String> files) {
        Object[] row = new Object[PREFIX + NucleusTable.SCHEMA.fields().length];
        row[0] = "image";
        row[1] = image.name();
        row[2] = status;
        row[3] = error;
        row[4] = nuclei;
        row[5] = areaUnit;
        row[6] = meanArea;
        row[7] = files.toArray(new String[0]);
        row[PREFIX] = image.input();
        return RowFactory.create(row);
    }

    /** An image on a remote file system, copied to a local temporary file (the readers take local files). */
    private static Path localCopy(String uri) throws IOException {
        String name = Path.of(URI.create(uri).getPath()).getFileName().toString();
        int dot = name.lastIndexOf('.');
        Path tmp = Files.createTempFile("nucleon-spark-", dot > 0 ? name.substring(dot) : ".img");
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(uri);
        FileSystem fs = src.getFileSystem(new Configuration());
        try (var in = fs.open(src)) {
            Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }
}
