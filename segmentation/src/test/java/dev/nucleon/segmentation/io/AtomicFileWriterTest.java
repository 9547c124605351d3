package dev.nucleon.segmentation.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileWriterTest {
    @TempDir
    Path dir;

    @AfterEach
    void noListener() {
        AtomicFileWriter.syncListener = null;
    }

    @Test
    void theTemporaryFileIsSyncedBeforeTheRenameAndTheFolderAfter() throws IOException {
        List<String> events = new ArrayList<>();
        Path target = dir.resolve("summary.csv");
        AtomicFileWriter.syncListener = (path, folder) -> events.add((folder ? "folder " : "file ")
                + (folder ? path : path.getFileName()) + (Files.exists(target) ? " after" : " before"));
        AtomicFileWriter.writeString(target, "image,nuclei\n");
        assertEquals(2, events.size(), events.toString());
        assertTrue(events.get(0).matches("file \\.summary\\.csv\\.nucleon-\\d+\\.tmp before"), events.toString());
        assertEquals("folder " + dir.toAbsolutePath() + " after", events.get(1));
        assertEquals("image,nuclei\n", Files.readString(target));
    }

    @Test
    void imageOutputsAreSyncedToo() throws IOException {
        List<Path> synced = new ArrayList<>();
        AtomicFileWriter.syncListener = (path, folder) -> synced.add(path);
        ImageFileWriter.writeLabels(dev.nucleon.segmentation.image.LabelImage.parse("1.", ".2"), dir.resolve("a_labels.png"));
        assertEquals(2, synced.size(), synced.toString());
    }

    @Test
    void staleTemporaryFilesOfAKilledRunAreRemovedAndNothingElse() throws IOException {
        Path stale = Files.writeString(dir.resolve(".a_labels.png.nucleon-123456789.tmp"), "half");
        Path older = Files.writeString(dir.resolve(".summary.csv.8812731.tmp"), "half");
        Path mine = Files.writeString(dir.resolve(".notes.tmp"), "keep");
        Path other = Files.writeString(dir.resolve("a.nucleon-1.tmp"), "keep: not hidden");
        Files.createDirectories(dir.resolve("sub"));
        Path nested = Files.writeString(dir.resolve("sub/.b.png.nucleon-1.tmp"), "not this folder");
        assertEquals(2, AtomicFileWriter.removeStaleTemporaryFiles(dir));
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(older));
        assertTrue(Files.exists(mine) && Files.exists(other) && Files.exists(nested));
        assertEquals(0, AtomicFileWriter.removeStaleTemporaryFiles(dir.resolve("none")));
    }

    @Test
    void aFailedWriteLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("x.csv");
        try {
            AtomicFileWriter.write(target, tmp -> {
                Files.writeString(tmp, "partial");
                throw new IOException("No space left on device");
            });
        } catch (ImageFileException expected) {
            assertTrue(expected.getMessage().contains("x.csv"), expected.getMessage());
        }
        try (var s = Files.list(dir)) {
            assertEquals(List.of(), s.toList());
        }
    }
}
