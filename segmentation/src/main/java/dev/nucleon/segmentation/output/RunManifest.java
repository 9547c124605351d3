package dev.nucleon.segmentation.output;

import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.nn.io.Json;
import dev.nucleon.segmentation.io.JsonWriter;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}, the record of a segmentation run in its output folder, written last and atomically: a
 * folder with a manifest holds complete results, and the manifest says exactly what they are. {@code nucleon segment}
 * and {@code segment-spark} write the same fields; the latter adds its own after {@code model} ({@link #field}).
 *
 * <pre>
 * {"command":"segment","nucleon_version":"0.1.0","started":"2026-12-03T07:30:00Z","finished":"…",
 *  "inputs":["data","-"],"options":{"threshold":null,"tta":false,…},"model":"bundled",
 *  "images":[{"input":"data/s0/image.png","name":"s0","status":"ok","nuclei":14,
 *             "files":["s0_labels.png","s0_overlay.png","s0_nuclei.csv"]},
 *            {"input":"data/big.png","name":"big","status":"failed","error":"…","files":[]}],
 *  "problems":[{"path":"data/locked","error":"permission denied"}],
 *  "files":["summary.csv"],"ok":1,"failed":2}
 * </pre>
 *
 * Every path under {@code files} is relative to the output folder; {@link #filesOf(Path)} reads them back so that
 * {@code --overwrite} removes exactly the previous run's files and nothing else.
 */
public final class RunManifest {
    /** The manifest's file name in the output folder. */
    public static final String FILE = "manifest.json";

    /**
     * One image's outcome.
     *
     * @param input  the image as the user gave it
     * @param name   its output name ({@link OutputNames})
     * @param error  why it failed, one line; null when it succeeded
     * @param nuclei the nuclei found
     * @param files  the files it gave, relative to the output folder
     */
    public record ImageRecord(String input, String name, String error, int nuclei, List<String> files) {
        /** {@return whether the image succeeded} */
        public boolean ok() {
            return error == null;
        }
    }

    private record Problem(String path, String message) {
    }

    private final String command;
    private final String version;
    private final String started = Instant.now().toString();
    private final List<String> inputs;
    private final Map<String, Object> options;
    private final String model;
    private final Map<String, Object> fields = new LinkedHashMap<>();
    private final List<ImageRecord> images = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> files = new ArrayList<>();

    /**
     * A manifest for a run starting now.
     *
     * @param command the command ({@code segment}, {@code segment-spark})
     * @param version the Nucleon version that ran it
     * @param inputs  the inputs as given
     * @param options the run's options by name; values are strings, numbers, booleans or null
     * @param model   the model file given, or {@code bundled}
     */
    public RunManifest(String command, String version, List<String> inputs, Map<String, Object> options,
            String model) {
        this.command = command;
        this.version = version;
        this.inputs = List.copyOf(inputs);
        this.options = new LinkedHashMap<>(options);
        this.model = model;
    }

    /**
     * A field of the command's own, written after {@code model}.
     *
     * @param name  the field's name
     * @param value a string, number, boolean or null
     * @return this manifest
     */
    public RunManifest field(String name, Object value) {
        fields.put(name, value);
        return this;
    }

    /**
     * Records one image's outcome.
     *
     * @param record the outcome
     */
    public void add(ImageRecord record) {
        images.add(record);
    }

    /**
     * Records an input that is not an image, or a folder that could not be searched.
     *
     * @param path    the input
     * @param message what was wrong, one line
     */
    public void problem(String path, String message) {
        problems.add(new Problem(path, message));
    }

    /**
     * Records a file of the run as a whole (summary.csv).
     *
     * @param relative its path relative to the output folder
     */
    public void file(String relative) {
        files.add(relative);
    }

    /** {@return the images recorded so far, in order (the list itself: a record may be replaced)} */
    public List<ImageRecord> images() {
        return images;
    }

    /** {@return the images recorded as failed} */
    public long failed() {
        return images.stream().filter(r -> !r.ok()).count();
    }

    /**
     * Writes the manifest into {@code out}, atomically; the last file of a run.
     *
     * @param out the output folder
     * @throws IOException when it cannot be written
     */
    public void write(Path out) throws IOException {
        JsonWriter j = new JsonWriter().beginObject()
                .name("command").value(command)
                .name("nucleon_version").value(version)
                .name("started").value(started)
                .name("finished").value(Instant.now().toString());
        j.name("inputs").beginArray();
        inputs.forEach(j::value);
        j.endArray();
        j.name("options");
        values(j, options);
        j.name("model").value(model);
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            j.name(e.getKey());
            value(j, e.getValue());
        }
        j.name("images").beginArray();
        for (ImageRecord r : images) {
            j.beginObject().name("input").value(r.input()).name("name").value(r.name())
                    .name("status").value(r.ok() ? "ok" : "failed");
            if (r.ok()) {
                j.name("nuclei").value(r.nuclei());
            } else {
                j.name("error").value(r.error());
            }
            j.name("files").beginArray();
            r.files().forEach(j::value);
            j.endArray().endObject();
        }
        j.endArray();
        j.name("problems").beginArray();
        for (Problem p : problems) {
            j.beginObject().name("path").value(p.path()).name("error").value(p.message()).endObject();
        }
        j.endArray();
        j.name("files").beginArray();
        files.forEach(j::value);
        j.endArray();
        j.name("ok").value(images.size() - failed()).name("failed").value(failed() + problems.size());
        j.endObject();
        AtomicFileWriter.writeString(out.resolve(FILE), j + "\n");
    }

    private static void values(JsonWriter j, Map<String, Object> values) {
        j.beginObject();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            j.name(e.getKey());
            value(j, e.getValue());
        }
        j.endObject();
    }

    private static void value(JsonWriter j, Object v) {
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

    /**
     * Options as a manifest written now would hold them, read back: to compare with an earlier manifest's.
     *
     * @param options the options by name
     * @return them as {@link Json#parse} gives them
     */
    public static Map<?, ?> roundTrip(Map<String, Object> options) {
        JsonWriter j = new JsonWriter();
        values(j, options);
        return (Map<?, ?>) Json.parse(j.toString());
    }

    /**
     * An option's value as text, for comparing runs: numbers as doubles, null as "null".
     *
     * @param v a value of a parsed manifest
     * @return its text
     */
    public static String text(Object v) {
        if (v == null || v == Json.NULL) {
            return "null";
        }
        if (v instanceof Number n) {
            return Double.toString(n.doubleValue());
        }
        return v.toString();
    }

    /**
     * A manifest, parsed.
     *
     * @param manifest the file
     * @return its top-level object
     * @throws IOException when it cannot be read or holds no JSON object, naming it
     */
    public static Map<?, ?> read(Path manifest) throws IOException {
        if (parse(manifest) instanceof Map<?, ?> m) {
            return m;
        }
        throw new IOException(manifest + ": not a run manifest (no JSON object)");
    }

    /**
     * The files an earlier run's manifest in {@code out} names (its images' and its own), relative to {@code out};
     * paths that would leave the folder are dropped.
     *
     * @param out the output folder
     * @return the relative paths
     * @throws IOException when the manifest cannot be read or is not JSON, naming it
     */
    public static List<String> filesOf(Path out) throws IOException {
        Object parsed = parse(out.resolve(FILE));
        List<String> names = new ArrayList<>();
        if (parsed instanceof Map<?, ?> m) {
            if (m.get("images") instanceof List<?> list) {
                for (Object i : list) {
                    if (i instanceof Map<?, ?> image && image.get("files") instanceof List<?> f) {
                        addInside(out, f, names);
                    }
                }
            }
            if (m.get("files") instanceof List<?> f) {
                addInside(out, f, names);
            }
        }
        return names;
    }

    private static Object parse(Path file) throws IOException {
        try {
            return Json.parse(Files.readString(file));
        } catch (IllegalArgumentException | IOException e) {
            String why = e instanceof NoSuchFileException ? "no such file: " + e.getMessage()
                    : e instanceof AccessDeniedException ? "permission denied: " + e.getMessage()
                    : e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage();
            throw new IOException(file + ": not a readable run manifest (" + why + ")", e);
        }
    }

    private static void addInside(Path out, List<?> files, List<String> names) {
        Path root = out.toAbsolutePath().normalize();
        for (Object f : files) {
            if (f instanceof String s && !s.isEmpty() && root.resolve(s).normalize().startsWith(root)
                    && !root.resolve(s).normalize().equals(root)) {
                names.add(s);
            }
        }
    }
}
