package dev.nucleon.segmentation.dataset;

import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.Csv;
import dev.nucleon.segmentation.io.ImageFileException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The contest's CSV files of run-length encoded nuclei: submissions ({@code ImageId,EncodedPixels}) and
 * solutions ({@code ImageId,EncodedPixels,Height,Width,Usage}), one row per nucleus; see
 * {@link RunLengthEncoding} for the encoding. An image with no nucleus is written as one row with empty
 * {@code EncodedPixels}, as the contest's sample submissions do; such rows are skipped when reading.
 */
public final class RunLengthCsv {
    /**
     * One CSV row.
     *
     * @param height image height, or -1 when the file has no Height column
     * @param width image width, or -1 when the file has no Width column
     * @param usage Public / Private / Ignored, or "" when absent
     */
    public record Row(String imageId, String encodedPixels, int height, int width, String usage) {
    }

    private RunLengthCsv() {
    }

    /**
     * Reads every row; errors name the file and line.
     *
     * @param csv a DSB2018 solution or submission CSV ({@code ImageId,EncodedPixels[,Height,Width[,Usage]]})
     * @return the rows, in file order
     * @throws IOException when the file cannot be read or a row is malformed
     */
    public static List<Row> read(Path csv) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ImageFileException(csv, "cannot be read", e);
        }
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new ImageFileException(csv, "empty file: expected a header 'ImageId,EncodedPixels'");
        }
        String[] header = fields(csv, 1, lines.get(0).replace("\uFEFF", "")); // a byte-order mark, before any quote
        int id = -1, enc = -1, hi = -1, wi = -1, us = -1;
        for (int i = 0; i < header.length; i++) {
            switch (header[i].trim()) {
                case "ImageId" -> id = i;
                case "EncodedPixels" -> enc = i;
                case "Height" -> hi = i;
                case "Width" -> wi = i;
                case "Usage" -> us = i;
                default -> { }
            }
        }
        if (id < 0 || enc < 0) {
            throw new ImageFileException(csv, "line 1: header must name ImageId and EncodedPixels, got '"
                    + lines.get(0) + "'");
        }
        List<Row> rows = new ArrayList<>();
        for (int ln = 1; ln < lines.size(); ln++) {
            String line = lines.get(ln);
            if (line.isBlank()) {
                continue;
            }
            String[] f = fields(csv, ln + 1, line);
            if (f.length <= id) {
                throw new ImageFileException(csv, "line " + (ln + 1) + ": too few fields in '" + line + "'");
            }
            try {
                rows.add(new Row(f[id].trim(), enc < f.length ? f[enc].trim() : "",
                        hi >= 0 && hi < f.length ? Integer.parseInt(f[hi].trim()) : -1,
                        wi >= 0 && wi < f.length ? Integer.parseInt(f[wi].trim()) : -1,
                        us >= 0 && us < f.length ? f[us].trim() : ""));
            } catch (NumberFormatException e) {
                throw new ImageFileException(csv, "line " + (ln + 1) + ": Height/Width is not an integer in '"
                        + line + "'");
            }
        }
        return rows;
    }

    /**
     * Reads and decodes the file into one label map per image (rows in file order become labels 1..N).
     *
     * @param sizeOf {width, height} of an image id, used when the file has no Height/Width columns
     *     (may be null when it has them)
     * @param csv    a DSB2018 solution or submission CSV
     * @return one label map per image id, in file order
     * @throws IOException when the file cannot be read, a row is malformed or an image's size is unknown
     */
    public static Map<String, LabelImage> readLabels(Path csv, Function<String, int[]> sizeOf) throws IOException {
        Map<String, List<String>> byImage = new LinkedHashMap<>();
        Map<String, int[]> sizes = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        List<Row> rows = read(csv);
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            List<String> list = byImage.computeIfAbsent(r.imageId(), k -> new ArrayList<>());
            firstLine.putIfAbsent(r.imageId(), i + 2);
            if (!r.encodedPixels().isEmpty()) {
                list.add(r.encodedPixels());
            }
            if (r.width() > 0 && r.height() > 0) {
                sizes.putIfAbsent(r.imageId(), new int[] {r.width(), r.height()});
            }
        }
        Map<String, LabelImage> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : byImage.entrySet()) {
            int[] size = sizes.get(e.getKey());
            if (size == null && sizeOf != null) {
                size = sizeOf.apply(e.getKey());
            }
            if (size == null) {
                throw new ImageFileException(csv, "line " + firstLine.get(e.getKey()) + ": size of image "
                        + e.getKey() + " unknown (no Height/Width columns and no image of that id)");
            }
            try {
                out.put(e.getKey(), RunLengthEncoding.decodeLabels(e.getValue(), size[0], size[1]));
            } catch (IllegalArgumentException ex) {
                throw new ImageFileException(csv, "image " + e.getKey() + ": " + ex.getMessage());
            }
        }
        return out;
    }

    /**
     * Writes a submission-style CSV ({@code ImageId,EncodedPixels}, plus {@code Height,Width} when
     * {@code withSize}), one row per label, images in map order. An image id holding a comma, quote or line
     * break is quoted as RFC 4180 says ({@link Csv}). Atomic write.
     *
     * @param csv        the target
     * @param labelsById the label maps by image id
     * @param withSize   whether to add the Height and Width columns
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public static void write(Path csv, Map<String, LabelImage> labelsById, boolean withSize) throws IOException {
        StringBuilder sb = new StringBuilder(header(withSize));
        for (Map.Entry<String, LabelImage> e : labelsById.entrySet()) {
            appendRows(sb, e.getKey(), e.getValue(), withSize);
        }
        AtomicFileWriter.writeString(csv, sb);
    }

    /**
     * {@return the header {@link #write} starts with, line break included}
     *
     * @param withSize whether the Height and Width columns are included
     */
    public static String header(boolean withSize) {
        return withSize ? "ImageId,EncodedPixels,Height,Width\n" : "ImageId,EncodedPixels\n";
    }

    /**
     * Appends one image's rows as {@link #write} writes them (one per label; one row with empty
     * {@code EncodedPixels} when it has none), so a caller can build the file one image at a time.
     *
     * @param sb       where the rows go
     * @param imageId  the image's id
     * @param l        its label map
     * @param withSize whether to add the Height and Width columns
     */
    public static void appendRows(StringBuilder sb, String imageId, LabelImage l, boolean withSize) {
        String size = withSize ? "," + l.height() + "," + l.width() : "";
        List<String> rles = RunLengthEncoding.encodeLabels(l);
        String id = Csv.field(imageId);
        if (rles.isEmpty()) {
            sb.append(id).append(',').append(size).append('\n');
        }
        for (String rle : rles) {
            sb.append(id).append(',').append(rle).append(size).append('\n');
        }
    }

    private static String[] fields(Path csv, int lineNumber, String line) throws ImageFileException {
        try {
            return split(line);
        } catch (IllegalArgumentException e) {
            String why = e.getMessage().replaceFirst("^CSV line \\d+: ", "");
            throw new ImageFileException(csv, "line " + lineNumber + ": " + why);
        }
    }

    /**
     * The fields of one line as RFC 4180 reads them ({@link Csv#records}: quoted fields may hold commas and doubled
     * quotes, as {@link #write} quotes ids), each trimmed and, when still wrapped in quotes (a quote after leading
     * blanks), unwrapped.
     *
     * @throws IllegalArgumentException on a quote left open or text after a closing quote
     */
    private static String[] split(String line) {
        List<List<String>> records = Csv.records(line);
        String[] f = records.isEmpty() ? new String[] {""} : records.get(0).toArray(new String[0]);
        for (int i = 0; i < f.length; i++) {
            String s = f[i].trim();
            if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
                s = s.substring(1, s.length() - 1);
            }
            f[i] = s;
        }
        return f;
    }
}
