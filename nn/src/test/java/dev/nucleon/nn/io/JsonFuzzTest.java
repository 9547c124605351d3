package dev.nucleon.nn.io;

import dev.nucleon.core.testing.fuzz.MutationFuzzer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Mutation fuzzing of the JSON reader and of the model-configuration decoder built on it (see
 * {@link MutationFuzzer}): malformed text must give {@link Json.SyntaxException} from {@link Json#parse}, and
 * {@link IllegalArgumentException} from {@link Checkpoint#decodeConfig}, nothing else. Numbers that parse are
 * also converted, as the safetensors reader does. Corpus: {@code src/test/resources/fuzz-corpus/json}.
 * Below the targets, the inputs they found, as regression tests.
 */
class JsonFuzzTest {

    @Test
    @Tag("fuzz")
    void jsonParseRefusesMalformedTextWithSyntaxException() {
        MutationFuzzer.target("json")
                .iterations(250_000)
                .corpus("/fuzz-corpus/json")
                .expect(Json.SyntaxException.class)
                .run(input -> convertNumbers(Json.parse(new String(input, StandardCharsets.UTF_8))));
    }

    @Test
    @Tag("fuzz")
    void decodeConfigRefusesMalformedConfigurationsWithIllegalArgumentException() {
        MutationFuzzer.target("model-config")
                .iterations(250_000)
                .corpus("/fuzz-corpus/json/model-config.json")
                .expect(IllegalArgumentException.class)
                .run(input -> Checkpoint.decodeConfig(new String(input, StandardCharsets.UTF_8)));
    }

    // ----- what the fuzzer found ------------------------------------------------------------------------------

    /**
     * Target json, seed 3271912, iteration 3894: a number of 10^6 digits took longer than the 10 s timeout to be
     * refused as a long (BigInteger parsing is quadratic: 47 s here); a 100 MB safetensors header could hold one.
     */
    @Test
    void integerOfAMillionDigitsIsRefusedAsALongAtOnce() {
        Json.Number n = (Json.Number) ((List<?>) Json.parse("[" + "7".repeat(1_000_000) + "]")).get(0);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThrows(ArithmeticException.class, n::longValueExact));
        assertThrows(ArithmeticException.class, () -> new Json.Number("-92233720368547758080").longValueExact());
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
