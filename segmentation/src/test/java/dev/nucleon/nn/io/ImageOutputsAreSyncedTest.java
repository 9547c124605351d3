package dev.nucleon.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segmentation's image outputs go through the one atomic writer, {@link AtomicFileWriter} in {@code nn}. This test
 * sits in the writer's package (in segmentation's test sources) to reach its package-private sync listener.
 */
class ImageOutputsAreSyncedTest {
    @TempDir
    Path dir;

    @AfterEach
    void noListener() {
        AtomicFileWriter.syncListener = null;
    }

    @Test
    void aLabelImageIsSyncedAndSoIsItsFolder() throws IOException {
        List<Path> synced = new ArrayList<>();
        AtomicFileWriter.syncListener = (path, folder) -> synced.add(path);
        ImageFileWriter.writeLabels(LabelImage.parse("1.", ".2"), dir.resolve("a_labels.png"));
        assertEquals(2, synced.size(), synced.toString());
        assertEquals(dir.toAbsolutePath(), synced.get(1));
    }
}
