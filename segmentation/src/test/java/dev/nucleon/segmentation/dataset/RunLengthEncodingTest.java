package dev.nucleon.segmentation.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileException;
import dev.nucleon.segmentation.io.ImageFileReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLengthEncodingTest {
    @TempDir
    Path dir;

    @Test
    void columnMajorOneIndexedByHand() {
        BinaryMask m = BinaryMask.parse(
                "#.#",
                "##.");
        // numbering: col 0 → 1, 2; col 1 → 3, 4; col 2 → 5, 6; foreground = 1, 2, 4, 5
        assertArrayEquals(new int[] {1, 2, 4, 2}, RunLengthEncoding.encode(m));
        assertEquals("1 2 4 2", RunLengthEncoding.encodeToString(m));
        assertEquals(m, RunLengthEncoding.decode("1 2 4 2", 3, 2));
        assertEquals("", RunLengthEncoding.encodeToString(BinaryMask.empty(3, 2)));
        assertEquals(BinaryMask.empty(3, 2), RunLengthEncoding.decode("  ", 3, 2));
        assertEquals("1 6", RunLengthEncoding.encodeToString(BinaryMask.parse("###", "###")));
    }

    @Test
    void malformedEncodingsAreRejectedWithTheReason() {
        assertMessage("1 2 3", "odd");
        assertMessage("0 2", "numbered from 1");
        assertMessage("1 0", "length 0");
        assertMessage("5 3", "past the last pixel");
        assertMessage("4 2 1 1", "overlaps or precedes");
        assertMessage("1 2 2 1", "overlaps or precedes");
        assertMessage("a 2", "not an integer");
        // start + length − 1 overflowed a long and the run was accepted without a pixel set
        assertMessage("9223372036854775807 9223372036854775807", "past the last pixel");
        assertMessage("2 9223372036854775807", "past the last pixel");
    }

    @Test
    void negativeOrOverflowingSizesAreRefusedBeforeAllocating() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunLengthEncoding.decode("1 1", -2, -3));
        assertTrue(e.getMessage().contains("-2x-3 is negative"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RunLengthEncoding.decodeLabels(List.of("1 1"), 65536, 65536));
        assertTrue(e.getMessage().contains("more than one array can hold"), e.getMessage());
    }

    private static void assertMessage(String rle, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunLengthEncoding.decode(rle, 3, 2));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void labelsRoundTripThroughCsv() throws IOException {
        LabelImage a = LabelImage.parse(
                "11..",
                "1.22",
                "..22");
        Map<String, LabelImage> in = new LinkedHashMap<>();
        in.put("a", a);
        in.put("empty", LabelImage.empty(2, 2));
        Path csv = dir.resolve("sub.csv");
        RunLengthCsv.write(csv, in, false);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(List.of("ImageId,EncodedPixels", "a,1 2 4 1", "a,8 2 11 2", "empty,"), lines);
        Map<String, LabelImage> back = RunLengthCsv.readLabels(csv,
                id -> id.equals("a") ? new int[] {4, 3} : new int[] {2, 2});
        assertEquals(a, back.get("a"));
        assertEquals(LabelImage.empty(2, 2), back.get("empty"));

        Path withSize = dir.resolve("sol.csv");
        RunLengthCsv.write(withSize, in, true);
        assertEquals(a, RunLengthCsv.readLabels(withSize, null).get("a"));
        assertEquals(3, RunLengthCsv.read(withSize).get(0).height());
    }

    @Test
    void readsSolutionStyleColumnsAndNamesBadLines() throws IOException {
        Path csv = Files.writeString(dir.resolve("solution.csv"),
                "ImageId,EncodedPixels,Height,Width,Usage\nx,1 1,2,2,Public\nx,4 1,2,2,Public\n");
        LabelImage l = RunLengthCsv.readLabels(csv, null).get("x");
        assertEquals(LabelImage.parse("1.", ".2"), l);
        assertEquals("Public", RunLengthCsv.read(csv).get(0).usage());

        Path bad = Files.writeString(dir.resolve("bad.csv"), "ImageId,EncodedPixels,Height,Width\nx,1 9,2,2\n");
        ImageFileException e = assertThrows(ImageFileException.class, () -> RunLengthCsv.readLabels(bad, null));
        assertTrue(e.getMessage().startsWith(bad.toString()) && e.getMessage().contains("past the last"),
                e.getMessage());
        Path noHeader = Files.writeString(dir.resolve("nohdr.csv"), "x,1 1\n");
        assertThrows(ImageFileException.class, () -> RunLengthCsv.read(noHeader));
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        assertThrows(ImageFileException.class, () -> RunLengthCsv.read(empty));
        Path noSize = Files.writeString(dir.resolve("nosize.csv"), "ImageId,EncodedPixels\ny,1 1\n");
        ImageFileException e2 = assertThrows(ImageFileException.class,
                () -> RunLengthCsv.readLabels(noSize, id -> null));
        assertTrue(e2.getMessage().contains("line 2"), e2.getMessage());
    }

    @Test
    void realMasksRoundTrip() throws IOException {
        for (String id : new String[] {TestData.GRAY_ID, TestData.COLOUR_ID}) {
            LabelImage labels = ImageFileReader.readLabels(TestData.labels(id));
            List<String> rles = RunLengthEncoding.encodeLabels(labels);
            assertEquals(labels.maxLabel(), rles.size());
            assertEquals(labels, RunLengthEncoding.decodeLabels(rles, labels.width(), labels.height()));
        }
    }
}
