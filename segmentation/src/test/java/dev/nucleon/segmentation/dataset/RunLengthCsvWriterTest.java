package dev.nucleon.segmentation.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.Csv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The submission writer quotes image ids as RFC 4180 says (issue 15, case 9). */
class RunLengthCsvWriterTest {
    @Test
    void imageIdsWithCommaQuoteOrNewlineAreQuoted(@TempDir Path dir) throws IOException {
        Map<String, LabelImage> labels = new LinkedHashMap<>();
        labels.put("a,b", LabelImage.parse("1.", ".."));
        labels.put("say \"hi\"", LabelImage.parse("..", ".1"));
        labels.put("two\nlines", LabelImage.empty(2, 2));
        Path csv = dir.resolve("submission.csv");
        RunLengthCsv.write(csv, labels, true);
        List<List<String>> records = Csv.records(Files.readString(csv));
        assertEquals(List.of(List.of("ImageId", "EncodedPixels", "Height", "Width"),
                List.of("a,b", "1 1", "2", "2"),
                List.of("say \"hi\"", "4 1", "2", "2"),
                List.of("two\nlines", "", "2", "2")), records);
    }

    @Test
    void quotedIdsReadBackThroughTheReader(@TempDir Path dir) throws IOException {
        Map<String, LabelImage> labels = new LinkedHashMap<>();
        labels.put("a,b", LabelImage.parse("1.", ".."));
        labels.put("say \"hi\"", LabelImage.parse("..", ".1"));
        Path csv = dir.resolve("submission.csv");
        RunLengthCsv.write(csv, labels, true);
        Map<String, LabelImage> back = RunLengthCsv.readLabels(csv, null);
        assertEquals(List.of("a,b", "say \"hi\""), List.copyOf(back.keySet()));
        assertEquals(1, back.get("a,b").get(0, 0));
        assertEquals(1, back.get("say \"hi\"").get(1, 1));
    }
}
