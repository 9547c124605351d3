package dev.nucleon.nn.io;

import dev.nucleon.core.testing.fuzz.MutationFuzzer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Mutation fuzzing of the JSON reader and of the model-configuration decoder built on it (see
 * {@link MutationFuzzer}): malformed text must give {@link Json.SyntaxException} from {@link Json#parse}, and
 * {@link IllegalArgumentException} from {@link Checkpoint#decodeConfig}, nothing else. Numbers that parse are
 * also converted, as the safetensors reader does. Corpus: {@code src/test/resources/fuzz-corpus/json}.
 */
@Tag("fuzz")
class JsonFuzzTest {

    @Test
    void jsonParseRefusesMalformedTextWithSyntaxException() {
        MutationFuzzer.target("json")
                .iterations(200_000)
                .corpus("/fuzz-corpus/json")
                .expect(Json.SyntaxException.class)
                .run(input -> convertNumbers(Json.parse(new String(input, StandardCharsets.UTF_8))));
    }

    @Test
    void decodeConfigRefusesMalformedConfigurationsWithIllegalArgumentException() {
        MutationFuzzer.target("model-config")
                .iterations(100_000)
                .corpus("/fuzz-corpus/json/model-config.json")
                .expect(IllegalArgumentException.class)
                .run(input -> Checkpoint.decodeConfig(new String(input, StandardCharsets.UTF_8)));
    }

    /** Every number as a long where it is integral (as safetensors shapes are read) and as a double. */
    private static void convertNumbers(Object value) {
        if (value instanceof Json.Number n) {
            n.doubleValue();
            try {
                n.longValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                // documented: not an integer, or beyond a long
            }
        } else if (value instanceof Map<?, ?> m) {
            m.values().forEach(JsonFuzzTest::convertNumbers);
        } else if (value instanceof List<?> l) {
            l.forEach(JsonFuzzTest::convertNumbers);
        }
    }
}
