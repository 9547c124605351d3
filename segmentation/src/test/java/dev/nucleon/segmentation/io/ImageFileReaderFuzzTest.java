package dev.nucleon.segmentation.io;

import dev.nucleon.core.testing.fuzz.MutationFuzzer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mutation fuzzing of the image decode path (see {@link MutationFuzzer}), one target per format: every corrupt,
 * truncated or lying file must be refused with an {@link ImageFileException}, within the timeout, and without
 * allocating the pixels its header claims. Each input is read as an image and as a label map. Corpus:
 * {@code src/test/resources/fuzz-corpus/{png,tiff,jpeg,bmp}} (8×6 gray, 16-bit, float32, RGB(A), palette).
 */
@Tag("fuzz")
class ImageFileReaderFuzzTest {

    @TempDir
    Path dir;

    /** @param iterations the default budget, about 7 s on two busy cores */
    private void fuzz(String format, long iterations, MutationFuzzer.FieldMutator fields, MutationFuzzer.Repair repair) {
        Path file = dir.resolve("fuzz." + format);
        MutationFuzzer.target(format)
                .iterations(iterations)
                .corpus("/fuzz-corpus/" + format)
                .expect(ImageFileException.class)
                .fields(fields)
                .repair(repair)
                .run(input -> {
                    Files.write(file, input);
                    ImageFileReader.read(file);
                    try {
                        ImageFileReader.readLabels(file);
                    } catch (ImageFileException e) {
                        // an RGB image or a float one is no label map: a documented refusal
                    }
                });
    }

    @Test
    void pngDecodeRefusesCorruptFilesWithImageFileException() {
        fuzz("png", 2500, ImageHeaderMutations::png, ImageHeaderMutations::pngFixCrcs);
    }

    @Test
    void tiffDecodeRefusesCorruptFilesWithImageFileException() {
        fuzz("tiff", 1500, ImageHeaderMutations::tiff, null);
    }

    @Test
    void jpegDecodeRefusesCorruptFilesWithImageFileException() {
        fuzz("jpeg", 2000, ImageHeaderMutations::jpeg, null);
    }

    @Test
    void bmpDecodeRefusesCorruptFilesWithImageFileException() {
        fuzz("bmp", 800, ImageHeaderMutations::bmp, null);
    }
}
