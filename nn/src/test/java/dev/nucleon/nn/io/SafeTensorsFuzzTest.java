package dev.nucleon.nn.io;

import dev.nucleon.core.testing.fuzz.MutationFuzzer;
import dev.nucleon.core.testing.fuzz.Mutations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutation fuzzing of the safetensors reader and of checkpoint loading (see {@link MutationFuzzer}): every
 * corrupt file must be refused with a {@link CheckpointException}, quickly, without allocating what its header
 * claims. Corpus: {@code src/test/resources/fuzz-corpus/safetensors} and {@code …/checkpoint}. Below the
 * targets, the inputs they found, as regression tests.
 */
class SafeTensorsFuzzTest {

    @TempDir
    Path dir;

    private static final List<String> DTYPES = List.of("F32", "F16", "BF16", "F64", "I8", "U8", "I16", "I32", "I64",
            "BOOL", "U64", "F8_E4M3", "f32", "");

    @Test
    @Tag("fuzz")
    void safeTensorsReadRefusesCorruptFilesWithCheckpointException() {
        Path file = dir.resolve("fuzz.safetensors");
        MutationFuzzer.target("safetensors")
                .iterations(15_000)
                .corpus("/fuzz-corpus/safetensors")
                .expect(CheckpointException.class)
                .fields(SafeTensorsFuzzTest::mutateHeaderField)
                .repair(SafeTensorsFuzzTest::fixHeaderLength)
                .run(input -> {
                    Files.write(file, input);
                    SafeTensorsFile f = SafeTensors.read(file);
                    f.tensors();
                });
    }

    @Test
    @Tag("fuzz")
    void checkpointLoadRefusesCorruptFilesWithCheckpointException() {
        Path file = dir.resolve("fuzz-model.safetensors");
        MutationFuzzer.target("checkpoint")
                .iterations(12_000)
                .corpus("/fuzz-corpus/checkpoint")
                .expect(CheckpointException.class)
                .fields(SafeTensorsFuzzTest::mutateHeaderField)
                .repair(SafeTensorsFuzzTest::fixHeaderLength)
                .run(input -> {
                    Files.write(file, input);
                    Checkpoint.load(file);
                });
    }

    // ----- what the fuzzer found ------------------------------------------------------------------------------

    /**
     * Target safetensors, seed 748386061, iteration 612: a data_offsets entry of 10^5–10^6 digits kept the reader busy
     * past the 10 s timeout (the JSON number was parsed as a BigInteger, quadratic in its length).
     */
    @Test
    void offsetOfAMillionDigitsIsRefusedAtOnce() throws Exception {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0," + "7".repeat(1_000_000) + "]}}";
        byte[] json = header.getBytes(StandardCharsets.US_ASCII);
        Path file = dir.resolve("long-number.safetensors");
        Files.write(file, ByteBuffer.allocate(8 + json.length + 4).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length).put(json).putFloat(1f).array());
        CheckpointException e = assertTimeoutPreemptively(Duration.ofSeconds(3),
                () -> assertThrows(CheckpointException.class, () -> SafeTensors.read(file)));
        assertTrue(e.getMessage().contains("tensor 'w'") && e.getMessage().contains("is not an integer"),
                e.getMessage().substring(0, 200));
    }

    // ----- format-aware mutations ---------------------------------------------------------------------------

    /** The 8-byte header length, a number of the JSON header (a shape or an offset), or a dtype. */
    static byte[] mutateHeaderField(byte[] in, SplittableRandom rnd) {
        if (in.length < 8) {
            return in;
        }
        int headerEnd = (int) Math.min(in.length, 8 + Math.max(0, Math.min(Integer.MAX_VALUE, headerLength(in))));
        switch (rnd.nextInt(3)) {
            case 0:
                return Mutations.putInteger(in, 0, 8, false, rnd.nextBoolean() ? Mutations.pick(rnd)
                        : headerLength(in) + rnd.nextInt(-8, 9));
            case 1:
                return Mutations.replaceNumber(in, 8, headerEnd, rnd);
            default:
                String text = new String(in, 8, headerEnd - 8, StandardCharsets.ISO_8859_1);
                int at = text.indexOf("\"dtype\":\"", rnd.nextInt(Math.max(1, text.length())));
                if (at < 0) {
                    at = text.indexOf("\"dtype\":\"");
                }
                if (at < 0) {
                    return in;
                }
                int from = 8 + at + 9;
                int to = from;
                while (to < headerEnd && in[to] != '"') {
                    to++;
                }
                return Mutations.replace(in, from, to,
                        DTYPES.get(rnd.nextInt(DTYPES.size())).getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Sets the header length to where the JSON object actually ends (plus its padding), so the parser sees it. */
    static byte[] fixHeaderLength(byte[] in) {
        if (in.length < 9 || in[8] != '{') {
            return in;
        }
        int depth = 0;
        boolean inString = false;
        for (int i = 8; i < in.length; i++) {
            byte b = in[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{') {
                depth++;
            } else if (b == '}' && --depth == 0) {
                int end = i + 1;
                while (end < in.length && in[end] == ' ') {
                    end++;
                }
                return Mutations.putInteger(in, 0, 8, false, end - 8);
            }
        }
        return in;
    }

    private static long headerLength(byte[] in) {
        return ByteBuffer.wrap(in, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
