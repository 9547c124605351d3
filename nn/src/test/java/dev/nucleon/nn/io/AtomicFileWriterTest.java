package dev.nucleon.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.onnx.OnnxExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
            fail("the content's failure is reported");
        } catch (IOException expected) {
            assertTrue(expected.getMessage().startsWith(target.toString()), expected.getMessage());
            assertTrue(expected.getMessage().contains("No space left on device"), expected.getMessage());
        }
        try (var s = Files.list(dir)) {
            assertEquals(List.of(), s.toList());
        }
    }

    @Test
    void anErrorThatAlreadyNamesTheTargetPassesThroughUnchanged() {
        Path target = dir.resolve("labels.png");
        IOException mine = new IOException(target + ": values up to 70000 do not fit 16 bits");
        IOException e = assertThrows(IOException.class, () -> AtomicFileWriter.write(target, tmp -> {
            throw mine;
        }));
        assertSame(mine, e);
        assertFalse(Files.exists(target));
    }

    @Test
    void aNewFileIsReadableByOthersAndAReplacedOneKeepsItsPermissions() throws IOException {
        Path target = dir.resolve("model.safetensors");
        AtomicFileWriter.writeString(target, "one");
        assumeTrue(Files.getFileStore(target).supportsFileAttributeView("posix"), "POSIX permissions only");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw----"));
        AtomicFileWriter.writeString(target, "two");
        assertEquals("two", Files.readString(target));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void checkpointsAndOnnxExportsGoThroughIt() throws IOException {
        List<Path> synced = new ArrayList<>();
        AtomicFileWriter.syncListener = (path, folder) -> synced.add(path);
        Path checkpoint = dir.resolve("w.safetensors");
        SafeTensors.write(checkpoint, Map.of("w", Tensor.zeros(2, 3)), Map.of());
        assertEquals(List.of(dir.toAbsolutePath()), synced.subList(1, 2), synced.toString());
        assertTrue(synced.get(0).getFileName().toString().startsWith(".w.safetensors.nucleon-"), synced.toString());
        assertEquals(6, SafeTensors.read(checkpoint).tensor("w").numel());
        synced.clear();
        Path onnx = dir.resolve("m.onnx");
        Conv2d conv = new Conv2d(1, 2, 3, 1, 1);
        conv.eval();
        OnnxExporter.export(conv, Tensor.zeros(1, 1, 8, 8), onnx);
        assertEquals(2, synced.size(), synced.toString());
        assertTrue(Files.size(onnx) > 0);
        try (var s = Files.list(dir)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }
}
