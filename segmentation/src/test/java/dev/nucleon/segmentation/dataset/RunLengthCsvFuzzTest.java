package dev.nucleon.segmentation.dataset;

import dev.nucleon.core.testing.fuzz.MutationFuzzer;
import dev.nucleon.core.testing.fuzz.Mutations;
import dev.nucleon.segmentation.io.ImageFileException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mutation fuzzing of the run-length CSV reader and decoder (see {@link MutationFuzzer}): a malformed file —
 * bad header, odd or out-of-order runs, run lengths and image sizes at integer boundaries — must be refused
 * with an {@link ImageFileException} naming the file, quickly and without allocating the image it claims.
 * Images without Height/Width columns are taken as 16×12. Corpus: {@code src/test/resources/fuzz-corpus/rle-csv}.
 */
@Tag("fuzz")
class RunLengthCsvFuzzTest {

    @TempDir
    Path dir;

    @Test
    void runLengthCsvRefusesMalformedFilesWithImageFileException() {
        Path file = dir.resolve("fuzz.csv");
        MutationFuzzer.target("rle-csv")
                .iterations(8000)
                .corpus("/fuzz-corpus/rle-csv")
                .expect(ImageFileException.class)
                .fields((in, rnd) -> Mutations.interestingText(in, rnd)) // run starts and lengths, Height, Width
                .run(input -> {
                    Files.write(file, input);
                    RunLengthCsv.readLabels(file, id -> new int[] {16, 12});
                });
    }
}
