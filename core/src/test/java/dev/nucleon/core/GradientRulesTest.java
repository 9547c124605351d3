package dev.nucleon.core;

import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.backend.ConvGeometry;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GradientRules} has a rule for every {@link Op} record, in the order {@code Op} declares them (so the file
 * reads as the table it is), and a fused inference op has none.
 */
class GradientRulesTest {

    @Test
    void everyOpRecordHasARuleInDeclarationOrder() throws IOException {
        String rules = Files.readString(Path.of("src/main/java/dev/nucleon/core/GradientRules.java"));
        List<String> missing = new ArrayList<>();
        int last = -1;
        for (Class<?> record : Op.class.getPermittedSubclasses()) {
            Matcher m = Pattern.compile("op instanceof Op\\." + record.getSimpleName() + "\\b").matcher(rules);
            int at = m.find() ? m.start() : -1;
            if (at < 0) {
                missing.add(record.getSimpleName());
            } else {
                assertTrue(at > last, record.getSimpleName() + "'s rule is out of Op's declaration order");
                last = at;
            }
        }
        assertEquals(List.of(), missing, "Op records without a gradient rule in GradientRules");
    }

    @Test
    void aFusedConvolutionHasNoBackward() {
        Tensor x = Tensor.zeros(1, 1, 4, 4);
        ConvGeometry g = new ConvGeometry(1, 1, 4, 4, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GradientRules.backward(
                new Op.Conv2d(g, Epilogue.RELU), new Tensor[] {x, Tensor.zeros(1, 1, 3, 3), null}, x, x));
        assertTrue(e.getMessage().contains("fused"), e.getMessage());
    }
}
