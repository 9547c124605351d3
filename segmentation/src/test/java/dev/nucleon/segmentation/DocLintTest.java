package dev.nucleon.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.segmentation.inference.Predictor;
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
            "dev.nucleon.segmentation.augment",
            "dev.nucleon.segmentation.dataset",
            "dev.nucleon.segmentation.head",
            "dev.nucleon.segmentation.image",
            "dev.nucleon.segmentation.inference",
            "dev.nucleon.segmentation.instance",
            "dev.nucleon.segmentation.io",
            "dev.nucleon.segmentation.metrics",
            "dev.nucleon.segmentation.morphology",
            "dev.nucleon.segmentation.patch",
            "dev.nucleon.segmentation.preprocess",
            "dev.nucleon.segmentation.recipes",
            "dev.nucleon.segmentation.roi",
            "dev.nucleon.segmentation.train",
            "dev.nucleon.segmentation.loss",
            "dev.nucleon.segmentation.networks");

    @Test
    void theCleanPackagesHaveCompleteJavadoc() {
        List<String> findings = DocLint.findings(Path.of("src/main/java"), CLEAN, Predictor.class, Module.class,
                Tensor.class);
        assertEquals(List.of(), findings, String.join("\n", findings));
    }
}
