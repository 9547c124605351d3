package dev.nucleon.segmentation.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code preprocess} uses {@code instance} (connectivity, connected components for region filling and boundaries),
 * never the reverse: the two packages do not import each other.
 */
class InstanceDependsNotOnPreprocessTest {

    @Test
    void noInstanceSourceImportsPreprocess() throws IOException {
        Path folder = Paths.get("src/main/java/dev/nucleon/segmentation/instance");
        assertTrue(Files.isDirectory(folder), folder.toAbsolutePath().toString());
        List<String> offending = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (line.startsWith("import dev.nucleon.segmentation.preprocess.")
                            || line.startsWith("import static dev.nucleon.segmentation.preprocess.")) {
                        offending.add(f.getFileName() + ": " + line);
                    }
                }
            }
        }
        assertEquals(List.of(), offending);
    }
}
