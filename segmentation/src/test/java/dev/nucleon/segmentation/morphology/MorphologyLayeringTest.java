package dev.nucleon.segmentation.morphology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code morphology} is the bottom of the image algorithms: it imports from the project only the image types
 * ({@code segmentation.image}); {@code instance} (post-processing pipelines, measurements) and {@code preprocess}
 * (network-input conversions) both use it, and do not import each other.
 */
class MorphologyLayeringTest {

    private static final String MAIN = "src/main/java/dev/nucleon/segmentation/";

    /** The project imports of a package's main sources that {@code allowed} rejects, as "File.java: import …". */
    private static List<String> offendingImports(String pkg, Predicate<String> allowed) throws IOException {
        Path folder = Paths.get(MAIN + pkg);
        assertTrue(Files.isDirectory(folder), folder.toAbsolutePath().toString());
        List<String> offending = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    String imported = line.replaceFirst("^import (static )?", "");
                    if (!imported.equals(line) && imported.startsWith("dev.nucleon.") && !allowed.test(imported)) {
                        offending.add(f.getFileName() + ": " + line);
                    }
                }
            }
        }
        return offending;
    }

    @Test
    void morphologyImportsOnlyTheImageTypes() throws IOException {
        assertEquals(List.of(), offendingImports("morphology", i -> i.startsWith("dev.nucleon.segmentation.image.")));
    }

    @Test
    void instanceAndPreprocessDoNotImportEachOther() throws IOException {
        assertEquals(List.of(), offendingImports("instance", i -> !i.startsWith("dev.nucleon.segmentation.preprocess.")));
        assertEquals(List.of(), offendingImports("preprocess", i -> !i.startsWith("dev.nucleon.segmentation.instance.")));
    }

    @Test
    void theCheckSeesAnImport() throws IOException {
        assertTrue(offendingImports("instance", i -> !i.startsWith("dev.nucleon.segmentation.morphology."))
                .stream().anyMatch(s -> s.startsWith("InstanceSegmentation.java: import dev.nucleon.segmentation"
                        + ".morphology.Watershed;")), "the scan reads instance's imports of morphology");
    }
}
