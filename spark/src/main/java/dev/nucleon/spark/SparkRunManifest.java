package dev.nucleon.spark;

import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.nn.io.Json;
import dev.nucleon.segmentation.io.JsonWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Row;

/**
 * {@code manifest.json} of a {@code segment-spark} output folder: the CLI's run manifest ({@code nucleon segment}
 * writes the same fields) with {@code command} {@code segment-spark}, the Spark master and the number of runs that
 * built the folder, rebuilt from the committed {@code images.parquet} after every run and written last, atomically.
 *
 * <pre>
 * {"command":"segment-spark","nucleon_version":"0.1.0-SNAPSHOT","finished":"…","inputs":["plates/"],
 *  "options":{"model":"bundled","threshold":null,…},"model":"bundled","master":"local[2]","runs":2,
 *  "images":[{"input":"plates/s0/image.png","name":"s0","status":"ok","nuclei":14,
 *             "files":["s0_labels.png","s0_overlay.png","s0_nuclei.csv"]},
 *            {"input":"plates/bad.png","name":"bad","status":"failed","error":"…","files":[]}],
 *  "problems":[],"files":["summary.csv","nuclei.parquet","images.parquet"],"ok":1,"failed":1}
 * </pre>
 */
final class SparkRunManifest {
    private SparkRunManifest() {
    }

    /**
     * Writes the manifest into {@code out}, atomically.
     *
     * @param runs   the committed runs that built the folder
     * @param images each image's row of its latest committed run
     */
    static void write(Path out, List<String> inputs, Map<String, Object> options, String master, int runs,
            Collection<Row> images) throws IOException {
        JsonWriter j = new JsonWriter().beginObject()
                .name("command").value("segment-spark")
                .name("nucleon_version").value(version())
                .name("finished").value(Instant.now().toString());
        j.name("inputs").beginArray();
        inputs.forEach(j::value);
        j.endArray();
        j.name("options");
        options(j, options);
        j.name("model").value(String.valueOf(options.get("model")));
        j.name("master").value(master);
        j.name("runs").value(runs);
        images(j, images);
        AtomicFileWriter.writeString(out.resolve(ScreenSegmentation.MANIFEST), j + "\n");
    }

    private static void options(JsonWriter j, Map<String, Object> options) {
        j.beginObject();
        for (Map.Entry<String, Object> e : options.entrySet()) {
            j.name(e.getKey());
            Object v = e.getValue();
            if (v instanceof Boolean b) {
                j.value(b);
            } else if (v instanceof Integer || v instanceof Long) {
                j.value(((Number) v).longValue());
            } else if (v instanceof Number n) {
                j.value(n.doubleValue());
            } else {
                j.value(v == null ? null : v.toString());
            }
        }
        j.endObject();
    }

    /** The options as a manifest written now would hold them, read back (to compare with an earlier one's). */
    static Map<?, ?> roundTrip(Map<String, Object> options) {
        JsonWriter j = new JsonWriter();
        options(j, options);
        return (Map<?, ?>) Json.parse(j.toString());
    }

    /** The images, by name, then the run's files and counts; closes the manifest's object. */
    private static void images(JsonWriter j, Collection<Row> images) {
        List<Row> sorted = new ArrayList<>(images);
        sorted.sort(Comparator.comparing(r -> r.<String>getAs("name")));
        long failed = 0;
        j.name("images").beginArray();
        for (Row r : sorted) {
            boolean ok = "ok".equals(r.getAs("status"));
            failed += ok ? 0 : 1;
            j.beginObject().name("input").value(r.<String>getAs("input")).name("name").value(r.<String>getAs("name"))
                    .name("status").value(ok ? "ok" : "failed");
            if (ok) {
                j.name("nuclei").value(r.<Integer>getAs("nuclei"));
            } else {
                j.name("error").value(r.<String>getAs("error"));
            }
            j.name("files").beginArray();
            List<String> files = r.getList(r.fieldIndex("files"));
            files.forEach(j::value);
            j.endArray().endObject();
        }
        j.endArray();
        j.name("problems").beginArray().endArray();
        j.name("files").beginArray().value("summary.csv").value(ScreenSegmentation.NUCLEI)
                .value(ScreenSegmentation.IMAGES).endArray();
        j.name("ok").value(sorted.size() - failed).name("failed").value(failed);
        j.endObject();
    }

    /** The Nucleon version this module was built as ({@code version.properties}, filtered by Maven). */
    static String version() {
        try (var in = SparkRunManifest.class.getResourceAsStream("version.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** A manifest (this job's or the CLI's), parsed. */
    static Map<?, ?> read(Path manifest) throws IOException {
        try {
            if (Json.parse(Files.readString(manifest)) instanceof Map<?, ?> m) {
                return m;
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(manifest + ": not a readable run manifest (" + ScreenSegmentation.reason(e) + ")", e);
        }
        throw new IOException(manifest + ": not a run manifest (no JSON object)");
    }

    /** A manifest option's value as text, for comparing runs: numbers as doubles, null as "null". */
    static String text(Object v) {
        if (v == null || v == Json.NULL) {
            return "null";
        }
        if (v instanceof Number n) {
            return Double.toString(n.doubleValue());
        }
        return v.toString();
    }

    /** The image files an earlier manifest names, relative to {@code out}. */
    static List<String> filesOf(Path out) throws IOException {
        List<String> names = new ArrayList<>();
        if (read(out.resolve(ScreenSegmentation.MANIFEST)).get("images") instanceof List<?> images) {
            for (Object i : images) {
                if (i instanceof Map<?, ?> image && image.get("files") instanceof List<?> files) {
                    for (Object f : files) {
                        if (f instanceof String s && !s.isEmpty()) {
                            names.add(s);
                        }
                    }
                }
            }
        }
        return names;
    }
}
