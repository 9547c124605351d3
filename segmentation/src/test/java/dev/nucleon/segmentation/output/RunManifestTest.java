package dev.nucleon.segmentation.output;

import dev.nucleon.nn.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manifest both commands write: its fields in order, what {@code filesOf} gives back, option comparison. */
class RunManifestTest {
    @TempDir
    Path out;

    @Test
    void writesTheFieldsInOrderAndReadsTheFilesBack() throws IOException {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("threshold", 0.7f);
        options.put("tta", false);
        options.put("tile", 256);
        options.put("post", null);
        RunManifest m = new RunManifest("segment-spark", "9.9", List.of("data"), options, "bundled")
                .field("master", "local[2]").field("runs", 2);
        m.add(new RunManifest.ImageRecord("data/a.png", "a", null, 3, List.of("a_labels.png", "a_overlay.png")));
        m.add(new RunManifest.ImageRecord("data/b.png", "b", "corrupt", 0, List.of()));
        m.problem("data/locked", "permission denied");
        m.file("summary.csv");
        m.file("../outside.csv");
        m.write(out);
        String json = Files.readString(out.resolve(RunManifest.FILE));
        assertTrue(json.startsWith("{\"command\":\"segment-spark\",\"nucleon_version\":\"9.9\",\"started\":"), json);
        assertTrue(json.contains("\"model\":\"bundled\",\"master\":\"local[2]\",\"runs\":2,\"images\":["), json);
        assertTrue(json.contains("{\"input\":\"data/b.png\",\"name\":\"b\",\"status\":\"failed\",\"error\":\"corrupt\","
                + "\"files\":[]}"), json);
        assertTrue(json.endsWith("\"ok\":1,\"failed\":2}\n"), json);
        assertEquals(1, m.failed());
        assertEquals(List.of("a_labels.png", "a_overlay.png", "summary.csv"), RunManifest.filesOf(out),
                "a path leaving the folder is dropped");
        Map<?, ?> read = RunManifest.read(out.resolve(RunManifest.FILE));
        assertEquals(RunManifest.roundTrip(options), read.get("options"));
        assertEquals("0.699999988079071", RunManifest.text(((Map<?, ?>) read.get("options")).get("threshold")));
        assertEquals("null", RunManifest.text(((Map<?, ?>) read.get("options")).get("post")));
        assertEquals("256.0", RunManifest.text(256));
    }

    @Test
    void anUnreadableManifestIsNamed() throws IOException {
        Files.writeString(out.resolve(RunManifest.FILE), "{not json");
        IOException e = assertThrows(IOException.class, () -> RunManifest.filesOf(out));
        assertTrue(e.getMessage().startsWith(out.resolve(RunManifest.FILE) + ": not a readable run manifest ("),
                e.getMessage());
        Files.writeString(out.resolve(RunManifest.FILE), "[1]");
        assertEquals(List.of(), RunManifest.filesOf(out));
        assertThrows(IOException.class, () -> RunManifest.read(out.resolve(RunManifest.FILE)));
        assertFalse(Json.parse("[1]") instanceof Map);
    }

    @Test
    void namesTheFilesOfAnImage() {
        assertEquals(List.of("d/a_labels.png", "d/a_overlay.png", "d/a_nuclei.csv", "d/a_labels.tif"),
                new ImageOutputFiles(false, false, false).possibleFiles("d/a"));
        assertEquals(List.of("a_labels.tif", "a_overlay.png", "a_nuclei.csv", "a_labels.tif", "a_rois.zip",
                "a.geojson"), new ImageOutputFiles(true, true, true).possibleFiles("a"));
        for (String f : List.of("a_labels.png", "a_overlay.png", "a_nuclei.csv", "a_labels.tif", "a_rois.zip",
                "a.geojson")) {
            assertTrue(ImageOutputFiles.isOutput(f), f);
        }
        assertFalse(ImageOutputFiles.isOutput("a.png"));
        assertFalse(ImageOutputFiles.isOutput("summary.csv"));
    }
}
