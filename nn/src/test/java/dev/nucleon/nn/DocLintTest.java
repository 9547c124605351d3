package dev.nucleon.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.testing.DocLint;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every public and protected declaration of this module's finished API packages has its javadoc: a comment,
 * {@code @param}, {@code @return} and {@code @throws} (javac's {@code -Xdoclint:all/protected}). Malformed javadoc
 * fails the compile in every package already (the root pom's {@code nucleon.doclint}). A package joins
 * {@link #CLEAN} once it passes; none leaves it.
 */
class DocLintTest {
    /** The packages held to complete javadoc. */
    static final List<String> CLEAN = List.of(
            "dev.nucleon.nn",
            "dev.nucleon.nn.init",
            "dev.nucleon.nn.io",
            "dev.nucleon.nn.layers",
            "dev.nucleon.nn.loss",
            "dev.nucleon.nn.onnx",
            "dev.nucleon.nn.optim");

    @Test
    void theCleanPackagesHaveCompleteJavadoc() {
        List<String> findings = DocLint.findings(Path.of("src/main/java"), CLEAN, Module.class, Tensor.class);
        assertEquals(List.of(), findings, String.join("\n", findings));
    }
}
