package dev.nucleon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileWriter;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateCommandTest {
    @TempDir
    Path dir;
    Path truth;
    Path pred;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void dataset() throws IOException {
        truth = dir.resolve("truth");
        pred = Files.createDirectories(dir.resolve("pred"));
        LabelImage a = LabelImage.parse("11..", "11.2", "...2");
        LabelImage b = LabelImage.parse("1...", "....", "..22");
        for (String id : new String[] {"a", "b"}) {
            Path d = Files.createDirectories(truth.resolve(id));
            ImageFileWriter.writeLabels(LabelImage.empty(4, 3), d.resolve("image.png"));
            ImageFileWriter.writeLabels(id.equals("a") ? a : b, d.resolve("labels.png"));
        }
        ImageFileWriter.writeLabels(a, pred.resolve("a_labels.png"));
    }

    private int run(String... args) {
        CommandLine cl = new CommandLine(new EvaluateCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void printsScoresAndWarnsAboutMissingPredictions() {
        assertEquals(0, run("--truth", truth.toString(), "--pred", pred.toString()));
        assertTrue(out.toString().contains("mean AP (DSB2018)    0.5000"), out.toString());
        assertTrue(out.toString().contains("0.95"), out.toString());
        assertTrue(out.toString().contains("average IoU"), out.toString());
        assertTrue(out.toString().contains("pixel"), out.toString());
        assertTrue(err.toString().contains("warning: no prediction for b"), err.toString());
    }

    @Test
    void jsonIsOneObjectWithTheDocumentedKeys() {
        assertEquals(0, run("--truth", truth.toString(), "--pred", pred.toString(), "--json"));
        String json = out.toString().trim();
        assertTrue(json.startsWith("{\"mean_ap\":0.5,") && json.endsWith("}"), json);
        for (String key : new String[] {"\"ap_by_threshold\":{\"0.50\":0.5", "\"avg_iou\":{\"mean\":0.5",
                "\"pixel\":{", "\"images\":[{\"id\":\"a\""}) {
            assertTrue(json.contains(key), key + " in " + json);
        }
        assertEquals(1, json.lines().count());
    }

    @Test
    void badInputExitsWithOneAndNamesTheFile() throws IOException {
        assertEquals(1, run("--truth", truth.toString()));
        assertTrue(err.toString().contains("required"), err.toString());
        assertEquals(1, run("--truth", dir.resolve("nope").toString(), "--pred", pred.toString()));
        Path corrupt = Files.writeString(pred.resolve("b_labels.png"), "not a png");
        assertEquals(1, run("--truth", truth.toString(), "--pred", pred.toString()));
        assertTrue(err.toString().contains(corrupt.toString()), err.toString());
    }
}
