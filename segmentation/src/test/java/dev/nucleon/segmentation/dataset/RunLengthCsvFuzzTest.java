package dev.nucleon.segmentation.dataset;

import dev.nucleon.core.testing.fuzz.MutationFuzzer;
import dev.nucleon.core.testing.fuzz.Mutations;
import dev.nucleon.segmentation.io.ImageFileException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Mutation fuzzing of the run-length CSV reader and decoder (see {@link MutationFuzzer}): a malformed file —
 * bad header, odd or out-of-order runs, run lengths and image sizes at integer boundaries — must be refused
 * with an {@link ImageFileException} naming the file, quickly and without allocating the image it claims.
 * Images without Height/Width columns are taken as 16×12. Corpus: {@code src/test/resources/fuzz-corpus/rle-csv}.
 * Below the target, the inputs it found, shrunk, as regression tests.
 */
class RunLengthCsvFuzzTest {

    @TempDir
    Path dir;

    @Test
    @Tag("fuzz")
    void runLengthCsvRefusesMalformedFilesWithImageFileException() {
        Path file = dir.resolve("fuzz.csv");
        MutationFuzzer.target("rle-csv")
                .iterations(12_000)
                .corpus("/fuzz-corpus/rle-csv")
                .expect(ImageFileException.class)
                .fields((in, rnd) -> Mutations.interestingText(in, rnd)) // run starts and lengths, Height, Width
                .run(input -> {
                    Files.write(file, input);
                    RunLengthCsv.readLabels(file, id -> new int[] {16, 12});
                });
    }

    // ----- what the fuzzer found ------------------------------------------------------------------------------

    /** Target rle-csv, seed 1282867876, iteration 617: Width × Height overflowed an int → NegativeArraySizeException. */
    @Test
    void imageSizeBeyondOneArrayIsRefusedWithImageFileException() throws IOException {
        Path csv = dir.resolve("huge.csv");
        Files.writeString(csv, "ImageId,EncodedPixels,Height,Width\n,,2,2147483647\n");
        ImageFileException e = assertThrows(ImageFileException.class, () -> RunLengthCsv.readLabels(csv, null));
        assertTrue(e.getMessage().startsWith(csv.toString()) && e.getMessage().contains("more than one array can hold"),
                e.getMessage());
    }

    /**
     * Target rle-csv, seed 424242, iteration 12375 (a 45 s run): a 21474812×6 image whose second run overlaps the
     * first; the 515 MB label map and a 129 MB mask were allocated (614 MB) before the overlap was found.
     */
    @Test
    void badRunIsRefusedBeforeTheLabelMapIsAllocated() throws IOException {
        Path csv = dir.resolve("overlap.csv");
        Files.writeString(csv, "ImageId,EncodedPixels,Height,Width\nq,100000 2 9 3,6,21474812\n");
        long before = MutationFuzzer.threadAllocatedBytes();
        ImageFileException e = assertThrows(ImageFileException.class, () -> RunLengthCsv.readLabels(csv, null));
        long allocated = MutationFuzzer.threadAllocatedBytes() - before;
        assertTrue(e.getMessage().contains("overlaps") || e.getMessage().contains("heap"), e.getMessage());
        assumeTrue(before >= 0, "this JVM does not count allocated bytes");
        assertTrue(allocated < 16 << 20, (allocated >> 20) + " MB allocated before the refusal");
    }

    /**
     * Target rle-csv, seed 1282867876, iteration 0: the corpus item quoted-bom-crlf.csv was refused ("header must
     * name ImageId and EncodedPixels"): the byte-order mark came before the opening quote, so the quotes stayed.
     */
    @Test
    void byteOrderMarkBeforeAQuotedHeaderIsRead() throws IOException {
        Path csv = dir.resolve("bom.csv");
        try (InputStream in = getClass().getResourceAsStream("/fuzz-corpus/rle-csv/quoted-bom-crlf.csv")) {
            Files.write(csv, in.readAllBytes());
        }
        assertTrue(Files.readString(csv, StandardCharsets.UTF_8).startsWith("\uFEFF\"ImageId\""));
        List<RunLengthCsv.Row> rows = RunLengthCsv.read(csv);
        assertEquals(List.of(new RunLengthCsv.Row("q", "2 2  9 3", 6, 4, ""), new RunLengthCsv.Row("q", "24 1", 6, 4, "")),
                rows);
    }
}
