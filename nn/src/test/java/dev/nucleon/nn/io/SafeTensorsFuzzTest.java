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
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mutation fuzzing of the safetensors reader and of checkpoint loading (see {@link MutationFuzzer}): every
 * corrupt file must be refused with a {@link CheckpointException}, quickly, without allocating what its header
 * claims. Corpus: {@code src/test/resources/fuzz-corpus/safetensors} and {@code …/checkpoint}.
 */
@Tag("fuzz")
class SafeTensorsFuzzTest {

    @TempDir
    Path dir;

    private static final List<String> DTYPES = List.of("F32", "F16", "BF16", "F64", "I8", "U8", "I16", "I32", "I64",
            "BOOL", "U64", "F8_E4M3", "f32", "");

    @Test
    void safeTensorsReadRefusesCorruptFilesWithCheckpointException() {
        Path file = dir.resolve("fuzz.safetensors");
        MutationFuzzer.target("safetensors")
                .iterations(4000)
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
    void checkpointLoadRefusesCorruptFilesWithCheckpointException() {
        Path file = dir.resolve("fuzz-model.safetensors");
        MutationFuzzer.target("checkpoint")
                .iterations(1500)
                .corpus("/fuzz-corpus/checkpoint")
                .expect(CheckpointException.class)
                .fields(SafeTensorsFuzzTest::mutateHeaderField)
                .repair(SafeTensorsFuzzTest::fixHeaderLength)
                .run(input -> {
                    Files.write(file, input);
                    Checkpoint.load(file);
                });
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
