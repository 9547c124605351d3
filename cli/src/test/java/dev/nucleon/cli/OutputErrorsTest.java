package dev.nucleon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileWriter;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Output that is lost is a failure (issue 15, case 10): {@code evaluate --json > /dev/full}, a closed pipe, and
 * {@code evaluate} with predictions missing all exit 1 with a line saying why.
 */
class OutputErrorsTest {
    @TempDir
    Path dir;
    Path truth;
    Path pred;

    @BeforeEach
    void dataset() throws IOException {
        truth = dir.resolve("truth");
        pred = Files.createDirectories(dir.resolve("pred"));
        LabelImage a = LabelImage.parse("11..", "11.2", "...2");
        for (String id : new String[] {"a", "b"}) {
            Path d = Files.createDirectories(truth.resolve(id));
            ImageFileWriter.writeLabels(LabelImage.empty(4, 3), d.resolve("image.png"));
            ImageFileWriter.writeLabels(a, d.resolve("labels.png"));
            ImageFileWriter.writeLabels(a, pred.resolve(id + "_labels.png"));
        }
    }

    /** A stream that fails like a full disk. */
    static final class Full extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            throw new IOException("No space left on device");
        }
    }

    @Test
    void anOutputThatCannotBeWrittenExits1() {
        CommandLine cl = Nucleon.commandLine(Map.of());
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new Full()));
        cl.setErr(new PrintWriter(err, true));
        int code = Nucleon.execute(cl, null, "evaluate", "--truth", truth.toString(), "--pred", pred.toString(), "--json");
        assertEquals(1, code, err.toString());
        assertTrue(err.toString().contains("nucleon: the output could not be written"), err.toString());
    }

    @Test
    void theSameRunWithAWorkingOutputExits0() {
        Run r = Run.of("evaluate", "--truth", truth.toString(), "--pred", pred.toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("{\"mean_ap\":1.0"), r.toString());
    }

    @Test
    void missingPredictionsExit1NamingThem() throws IOException {
        Files.delete(pred.resolve("b_labels.png"));
        Run r = Run.of("evaluate", "--truth", truth.toString(), "--pred", pred.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("mean AP (DSB2018)"), "still scored: " + r);
        assertTrue(r.err().contains("evaluate: " + pred + ": no prediction for 1 of 2 images (b), scored as empty"),
                r.toString());
    }

    /** The real thing: a separate JVM whose standard output is /dev/full, or a pipe its reader has closed. */
    @Test
    void evaluateJsonToDevFullOrAClosedPipeExits1() throws Exception {
        File full = new File("/dev/full");
        Assumptions.assumeTrue(full.exists(), "no /dev/full on this system");
        for (boolean pipe : new boolean[] {false, true}) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                    Nucleon.class.getName(), "evaluate", "--truth", truth.toString(), "--pred", pred.toString(), "--json"));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (pipe) {
                pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
            } else {
                pb.redirectOutput(full);
            }
            Process p = pb.start();
            if (pipe) {
                p.getInputStream().close(); // the reader goes away before anything is written
            }
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue(), (pipe ? "closed pipe: " : "/dev/full: ") + err);
            assertTrue(err.contains("nucleon: the output could not be written"), err);
        }
    }
}
