package dev.nucleon.segmentation.io;

import dev.nucleon.core.testing.fuzz.MutationFuzzer;
import dev.nucleon.core.testing.fuzz.Mutations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Mutation fuzzing of the image decode path (see {@link MutationFuzzer}), one target per format: every corrupt,
 * truncated or lying file must be refused with an {@link ImageFileException}, within the timeout, and without
 * allocating the pixels its header claims. Each input is read as an image and as a label map. Corpus:
 * {@code src/test/resources/fuzz-corpus/{png,tiff,jpeg,bmp}} (8×6 gray, 16-bit, float32, RGB(A), palette).
 * Below the targets, the inputs they found, shrunk, as regression tests.
 */
class ImageFileReaderFuzzTest {

    @TempDir
    Path dir;

    /** @param iterations the default budget, about 7 s on two idle cores */
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
    @Tag("fuzz")
    void pngDecodeRefusesCorruptFilesWithImageFileException() {
        fuzz("png", 15_000, ImageHeaderMutations::png, ImageHeaderMutations::pngFixCrcs);
    }

    @Test
    @Tag("fuzz")
    void tiffDecodeRefusesCorruptFilesWithImageFileException() {
        fuzz("tiff", 10_000, ImageHeaderMutations::tiff, null);
    }

    @Test
    @Tag("fuzz")
    void jpegDecodeRefusesCorruptFilesWithImageFileException() {
        fuzz("jpeg", 10_000, ImageHeaderMutations::jpeg, null);
    }

    @Test
    @Tag("fuzz")
    void bmpDecodeRefusesCorruptFilesWithImageFileException() {
        fuzz("bmp", 8_000, ImageHeaderMutations::bmp, null);
    }

    // ----- what the fuzzer found ------------------------------------------------------------------------------

    private static byte[] corpus(String name) throws IOException {
        return resource("/fuzz-corpus/" + name);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ImageFileReaderFuzzTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    /**
     * Target png, seed 111145, iteration 653: rgba.png (8×6) with its IHDR width set to 13238280 and CRCs fixed,
     * 239 bytes. The decoder allocated the 318 MB raster (454 MB in all) before running out of data.
     */
    @Test
    void pngWhoseHeaderClaimsMorePixelsThanItsDataCanHoldIsRefusedBeforeAllocating() throws IOException {
        byte[] png = ImageHeaderMutations.pngFixCrcs(Mutations.putInteger(corpus("png/rgba.png"), 16, 4, true, 13_238_280));
        Path file = dir.resolve("lying.png");
        Files.write(file, png);
        assertRefusedBeforeAllocating(file, "declares 13238280x6 pixels of 32 bits");
    }

    /**
     * Target tiff, seed 424242, iteration 16775 (a 45 s run), shrunk to 138 bytes: float32.tif with width 65535 and
     * 65279 samples per pixel, uncompressed; the decoder allocated 762 MB before reading past the end of the file.
     */
    @Test
    void tiffDeclaringHugeSamplesPerPixelIsRefusedBeforeAllocating() throws IOException {
        Path file = dir.resolve("samples.tif");
        Files.write(file, resource("/fuzz-regressions/tiff-seed424242-iter16775.tif"));
        assertRefusedBeforeAllocating(file, "65535x6");
    }

    /** An uncompressed TIFF must hold its pixels: gray8.tif (224 bytes) claiming 60000×6000 is refused from its header. */
    @Test
    void uncompressedTiffShorterThanItsPixelsIsRefusedBeforeAllocating() throws IOException {
        byte[] tif = withTiffShort(withTiffShort(corpus("tiff/gray8.tif"), 256, 60000), 257, 6000);
        Path file = dir.resolve("short.tif");
        Files.write(file, tif);
        assertRefusedBeforeAllocating(file, "60000x6000");
    }

    /** Refused with an ImageFileException naming the size, after allocating less than 16 MB. */
    private static void assertRefusedBeforeAllocating(Path file, String size) {
        long before = MutationFuzzer.threadAllocatedBytes();
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFileReader.read(file));
        long allocated = MutationFuzzer.threadAllocatedBytes() - before;
        assertTrue(e.getMessage().contains(size), e.getMessage());
        assumeTrue(before >= 0, "this JVM does not count allocated bytes");
        assertTrue(allocated < 16 << 20, (allocated >> 20) + " MB allocated before the refusal");
    }

    /** A big-endian TIFF with the SHORT value of {@code tag} in its first IFD set to {@code value}. */
    private static byte[] withTiffShort(byte[] tif, int tag, int value) {
        ByteBuffer b = ByteBuffer.wrap(tif.clone()); // "MM": big-endian, ByteBuffer's default
        assertEquals('M', b.get(0));
        int ifd = b.getInt(4);
        for (int i = 0, n = b.getShort(ifd) & 0xffff; i < n; i++) {
            int entry = ifd + 2 + 12 * i;
            if ((b.getShort(entry) & 0xffff) == tag) {
                assertEquals(3, b.getShort(entry + 2), "tag " + tag + " is a SHORT");
                b.putShort(entry + 8, (short) value);
                return b.array();
            }
        }
        throw new AssertionError("no tag " + tag);
    }

    /**
     * Target bmp, seed 97669, iteration 1196: gray8-rle.bmp (8×6, RLE8) with width 134217736, 1152 bytes. RLE lets a
     * tiny file declare a huge image; the decoder allocated 805 MB and the float conversion then ran out of heap
     * (no answer within 10 s). Now the size is checked against the heap before decoding.
     */
    @Test
    void bmpDeclaringMorePixelsThanTheHeapHoldsIsRefusedFromItsHeader() throws IOException {
        byte[] bmp = Mutations.putInteger(corpus("bmp/gray8-rle.bmp"), 18, 4, false, 134_217_736);
        Path file = dir.resolve("huge-rle.bmp");
        Files.write(file, bmp);
        assumeTrue(134_217_736L * 6 * (1 + 4 * 5) > Runtime.getRuntime().maxMemory(),
                "the heap is large enough to decode this image (then it is read, correctly)");
        ImageFileException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(ImageFileException.class, () -> ImageFileReader.read(file)));
        assertTrue(e.getMessage().contains("134217736x6 pixels") && e.getMessage().contains("heap"), e.getMessage());
    }
}
