package dev.nucleon.segmentation.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.io.ImageFileException;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.preprocess.NetworkInput;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFileSegmentationTest {
    @TempDir
    Path dir;

    private Predictor predictor() {
        return new Predictor(StreamedSegmentationTest.blobDetector(), NetworkInput.NAME, Head.FOREGROUND)
                .blendedTiles(64, 16);
    }

    @Test
    void smallImagesRunWholeAndLargeOnesStreamWithTheSameNuclei() throws IOException {
        Path file = dir.resolve("img.png");
        ImageIO.write(StreamedSegmentationTest.blobs(300, 260, 8, 130), "png", file.toFile());
        ImageFileSegmentation.Result whole = ImageFileSegmentation.run(predictor(), file, dir.resolve("w_labels.png"),
                dir.resolve("w_overlay.png"), dir.resolve("w_nuclei.csv"));
        assertFalse(whole.streamed());
        ImageFileSegmentation.Result streamed;
        System.setProperty("nucleon.streamAbovePixels", "1000");
        try {
            streamed = ImageFileSegmentation.run(predictor(), file, dir.resolve("s_labels.png"),
                    dir.resolve("s_overlay.png"), dir.resolve("s_nuclei.csv"));
        } finally {
            System.clearProperty("nucleon.streamAbovePixels");
        }
        assertTrue(streamed.streamed());
        assertTrue(whole.nuclei().size() > 30);
        assertEquals(whole.nuclei().size(), streamed.nuclei().size());
        assertEquals(ImageFileReader.readLabels(whole.labelsFile()).countLabels(),
                ImageFileReader.readLabels(streamed.labelsFile()).countLabels());
        for (String f : new String[] {"w_overlay.png", "s_overlay.png", "w_nuclei.csv", "s_nuclei.csv"}) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
    }

    /**
     * Issue 17: the chosen channel of a TIFF whose two samples per pixel are separate channels (noise, then nuclei) is
     * what both paths segment — the whole-image path and the streamed one, which reads that sample alone over the
     * decoded raster — and the same as the nuclei channel saved alone; without a channel the file is refused.
     */
    @Test
    void theChosenChannelIsSegmentedOnTheWholeAndTheStreamedPath() throws IOException {
        int w = 300, h = 260;
        java.awt.image.Raster nuclei = StreamedSegmentationTest.blobs(w, h, 8, 130).getRaster();
        java.util.Random r = new java.util.Random(5);
        int[] samples = new int[2 * w * h];
        for (int i = 0; i < w * h; i++) {
            samples[2 * i] = r.nextInt(256);
            samples[2 * i + 1] = nuclei.getSample(i % w, i / w, 0);
        }
        Path two = new dev.nucleon.segmentation.io.TiffBuilder(w, h, 2, 8).page(samples).write(dir.resolve("two.tif"));
        Path alone = dir.resolve("alone.png");
        ImageIO.write(StreamedSegmentationTest.blobs(w, h, 8, 130), "png", alone.toFile());
        ImageFileSegmentation.Settings channel1 = new ImageFileSegmentation.Settings(1, null, Double.NaN, "two", false);
        ImageFileSegmentation.Result whole = ImageFileSegmentation.run(predictor(), two, channel1,
                dir.resolve("w_labels.png"), dir.resolve("w_overlay.png"), dir.resolve("w_nuclei.csv"));
        ImageFileSegmentation.Result reference = ImageFileSegmentation.run(predictor(), alone,
                dir.resolve("a_labels.png"), dir.resolve("a_overlay.png"), dir.resolve("a_nuclei.csv"));
        ImageFileSegmentation.Result streamed;
        System.setProperty("nucleon.streamAbovePixels", "1000");
        try {
            streamed = ImageFileSegmentation.run(predictor(), two, channel1, dir.resolve("s_labels.png"),
                    dir.resolve("s_overlay.png"), dir.resolve("s_nuclei.csv"));
        } finally {
            System.clearProperty("nucleon.streamAbovePixels");
        }
        assertFalse(whole.streamed());
        assertTrue(streamed.streamed());
        assertTrue(reference.nuclei().size() > 30);
        assertEquals(reference.nuclei(), whole.nuclei());
        assertEquals(reference.nuclei().size(), streamed.nuclei().size());
        assertTrue(Files.readString(dir.resolve("s_nuclei.csv")).lines().skip(1).allMatch(l -> l.startsWith("two,")));
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFileSegmentation.run(predictor(), two,
                dir.resolve("x_labels.png"), dir.resolve("x_overlay.png"), dir.resolve("x_nuclei.csv")));
        assertTrue(e.getMessage().endsWith("choose with --channel 0..1"), e.getMessage());
    }

    /**
     * Issue 15, case 3 (the header check): a 1 kB PNG whose header says 40000 × 40000 is refused before decoding,
     * with the memory it would need, instead of running out of memory.
     */
    @Test
    void anImageTooLargeForTheHeapIsRefusedFromItsHeaderWithTheMemoryItNeeds() throws IOException {
        int side = 40000;
        long heap = Runtime.getRuntime().maxMemory();
        // 8-bit gray: the streamed path needs about 5 bytes per pixel, 8 GB here
        org.junit.jupiter.api.Assumptions.assumeTrue(heap < 5L * side * side,
                "the test heap (" + heap + " bytes) would hold a 40000 x 40000 image");
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(side).putInt(side).put((byte) 8).array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[(side + 1) * 4]);
        deflater.finish();
        byte[] z = new byte[1000];
        int n = deflater.deflate(z);
        chunk(png, "IDAT", java.util.Arrays.copyOf(z, n));
        chunk(png, "IEND", new byte[0]);
        Path file = dir.resolve("bomb.png");
        Files.write(file, png.toByteArray());
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFileSegmentation.run(predictor(),
                file, dir.resolve("l.png"), dir.resolve("o.png"), dir.resolve("n.csv")));
        assertTrue(e.getMessage().startsWith(file + ": image of 40000x40000 px"), e.getMessage());
        assertTrue(e.getMessage().contains("needs about") && e.getMessage().contains("-Xmx"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("l.png")));
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(type.getBytes(StandardCharsets.US_ASCII));
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(type.getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
