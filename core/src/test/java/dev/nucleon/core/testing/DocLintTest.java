package dev.nucleon.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DocLint} finds what it should and nothing else; and core's finished packages are complete. */
class DocLintTest {
    /**
     * core's sources held to complete javadoc: whole packages, or single files of packages still in progress.
     */
    static final List<String> CLEAN = List.of(
            "dev.nucleon.core",
            "dev.nucleon.core.ops",
            "dev.nucleon.core.composed",
            "dev.nucleon.core.cpu",
            "dev.nucleon.core.random",
            "dev.nucleon.core.reference");

    @TempDir
    Path dir;

    @Test
    void aMissingCommentParamOrReturnIsFoundAndPrivateCodeIsNot() throws IOException {
        Path p = Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(p.resolve("Api.java"), """
                package a.b;
                /** Documented. */
                public class Api {
                    /** Half documented. */
                    public int twice(int x) { return 2 * x; }
                    public void bare() { }
                    /**
                     * Complete.
                     *
                     * @param x a value
                     * @return x
                     */
                    public int same(int x) { return x; }
                    void internal() { }
                }
                """);
        List<String> found = DocLint.findings(dir, List.of("a.b"), Tensor.class);
        assertEquals(3, found.size(), String.join("\n", found));
        assertTrue(found.get(0).contains("Api.java:5") && found.get(0).contains("no @param for x"), found.get(0));
        assertTrue(found.get(1).contains("Api.java:5") && found.get(1).contains("no @return"), found.get(1));
        assertTrue(found.get(2).contains("Api.java:6") && found.get(2).contains("no comment"), found.get(2));
    }

    @Test
    void theCleanPackagesHaveCompleteJavadoc() {
        List<String> findings = DocLint.findings(Path.of("src/main/java"), CLEAN, Tensor.class);
        assertEquals(List.of(), findings, String.join("\n", findings));
    }
}
