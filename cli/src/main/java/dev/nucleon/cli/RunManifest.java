package dev.nucleon.cli;

import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.nn.io.Json;
import dev.nucleon.segmentation.io.JsonWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}, the record of one {@code segment} run in its {@code --out} folder, written last and
 * atomically: a folder with a manifest holds one complete run, and the manifest says exactly what it is.
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
 * Every path under {@code files} is relative to the {@code --out} folder; {@link #filesOf(Path)} reads them back so
 * that {@code --overwrite} removes exactly the previous run's files and nothing else.
 */
final class RunManifest {
    /** The manifest's file name in the output folder. */
    static final String FILE = "manifest.json";

    /** One image's outcome: {@code error} is null when it succeeded. */
    record ImageRecord(String input, String name, String error, int nuclei, List<String> files) {
        boolean ok() {
            return error == null;
        }
    }

    private final String started = Instant.now().toString();
    private final List<String> inputs;
    private final Map<String, Object> options;
    private final String model;
    private final List<ImageRecord> images = new ArrayList<>();
    private final List<InputImages.Problem> problems = new ArrayList<>();
    private final List<String> files = new ArrayList<>();

    /**
     * @param options the run's options by name; values are strings, numbers, booleans or null
     * @param model   the model file given, or {@code bundled}
     */
    RunManifest(List<String> inputs, Map<String, Object> options, String model) {
        this.inputs = List.copyOf(inputs);
        this.options = new LinkedHashMap<>(options);
        this.model = model;
    }

    void add(ImageRecord record) {
        images.add(record);
    }

    void problem(InputImages.Problem p) {
        problems.add(p);
    }

    /** A file of the run as a whole (summary.csv), relative to the output folder. */
    void file(String relative) {
        files.add(relative);
    }

    List<ImageRecord> images() {
        return images;
    }

    long failed() {
        return images.stream().filter(r -> !r.ok()).count();
    }

    /** Writes the manifest into {@code out}, atomically; the last file of a run. */
    void write(Path out) throws IOException {
        JsonWriter j = new JsonWriter().beginObject()
                .name("command").value("segment")
                .name("nucleon_version").value(NucleonVersion.get())
                .name("started").value(started)
                .name("finished").value(Instant.now().toString());
        j.name("inputs").beginArray();
        inputs.forEach(j::value);
        j.endArray();
        j.name("options").beginObject();
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
        j.name("model").value(model);
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
        for (InputImages.Problem p : problems) {
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

    /**
     * The files an earlier run's manifest in {@code out} names (its images' and its own), relative to {@code out};
     * paths that would leave the folder are dropped.
     *
     * @throws IOException when the manifest cannot be read or is not one of ours, naming it
     */
    @SuppressWarnings("unchecked")
    static List<String> filesOf(Path out) throws IOException {
        Path file = out.resolve(FILE);
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(file));
        } catch (IllegalArgumentException | IOException e) {
            throw new IOException(file + ": not a readable run manifest (" + FailureMessage.of(e) + ")", e);
        }
        List<String> names = new ArrayList<>();
        if (parsed instanceof Map<?, ?> m) {
            if (m.get("images") instanceof List<?> images) {
                for (Object i : images) {
                    if (i instanceof Map<?, ?> image && image.get("files") instanceof List<?> f) {
                        addInside(out, (List<Object>) f, names);
                    }
                }
            }
            if (m.get("files") instanceof List<?> f) {
                addInside(out, (List<Object>) f, names);
            }
        }
        return names;
    }

    private static void addInside(Path out, List<Object> files, List<String> names) {
        Path root = out.toAbsolutePath().normalize();
        for (Object f : files) {
            if (f instanceof String s && !s.isEmpty() && root.resolve(s).normalize().startsWith(root)
                    && !root.resolve(s).normalize().equals(root)) {
                names.add(s);
            }
        }
    }
}
