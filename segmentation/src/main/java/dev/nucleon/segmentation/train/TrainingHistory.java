package dev.nucleon.segmentation.train;


import dev.nucleon.nn.io.AtomicFileWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and writes {@code history.csv}: one {@link EpochRecord} per line after a header. The last column,
 * {@code val_loss}, is empty where a run validated on whole images only; files written before it existed (8
 * columns) still read.
 */
public final class TrainingHistory {
    /** The CSV header line, without its line end. */
    public static final String HEADER =
            "epoch,train_loss,val_score,val_score_gray,val_score_colour,learning_rate,patches_per_second,seconds,val_loss";

    private TrainingHistory() {
    }

    /**
     * The CSV text of a history: the header, then one line per record (empty fields for NaN values).
     *
     * @param rows one record per epoch
     * @return the file's text
     */
    public static String toCsv(List<EpochRecord> rows) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (EpochRecord r : rows) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%s,%s,%s,%.6g,%.3f,%.1f,%s%n", r.epoch(), r.trainLoss(),
                    num(r.validationScore()), num(r.validationGray()), num(r.validationColour()), r.learningRate(),
                    r.patchesPerSecond(), r.seconds(), num(r.validationLoss())));
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    /**
     * Writes {@link #toCsv} to {@code file}, atomically.
     *
     * @param file the CSV file
     * @param rows one record per epoch
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, List<EpochRecord> rows) throws IOException {
        AtomicFileWriter.writeString(file, toCsv(rows));
    }

    /**
     * Reads a history file (9 columns, or 8 from before {@code val_loss}).
     *
     * @param file the CSV file
     * @return one record per data line, in file order
     * @throws IOException when the file cannot be read or a line has the wrong number of fields
     */
    public static List<EpochRecord> read(Path file) throws IOException {
        List<EpochRecord> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 8 && f.length != 9) {
                throw new IOException(file + ": line " + (i + 1) + " has " + f.length + " fields, expected 9 (8 in"
                        + " files written before val_loss)");
            }
            out.add(new EpochRecord(Integer.parseInt(f[0]), Double.parseDouble(f[1]), parse(f[2]), parse(f[3]),
                    parse(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]),
                    f.length == 9 ? parse(f[8]) : Double.NaN));
        }
        return out;
    }

    private static double parse(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }
}
