package dev.nucleon.segmentation.recipes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/papers.md names the papers the code numbers: one row of its list for each of 000–004 and each recipe's. */
class PapersListTest {

    @Test
    void everyPaperNumberHasARowInTheList() throws IOException {
        Path doc = Paths.get("").toAbsolutePath().getParent().resolve("docs/papers.md");
        List<String> lines = Files.readAllLines(doc);
        int start = lines.indexOf("## Which papers: 000–004");
        assertTrue(start >= 0, doc + ": no \"Which papers\" list");
        for (String paper : List.of("000", "001", "002", "003", "004")) {
            assertTrue(lines.stream().skip(start).anyMatch(l -> l.startsWith("| " + paper + " | ")),
                    doc + ": no row for paper " + paper);
        }
        for (Recipe r : Recipes.all()) {
            assertTrue(lines.stream().skip(start).anyMatch(l -> l.startsWith("| " + r.paper() + " | ")),
                    doc + ": no row for paper " + r.paper() + " of recipe " + r.name());
        }
    }
}
