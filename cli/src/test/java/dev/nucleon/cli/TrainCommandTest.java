package dev.nucleon.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nucleon train} and the files of a run: a second run into the same {@code --out} is refused unless
 * {@code --resume} or {@code --overwrite}; an {@code --out} that cannot be written is refused before training.
 */
class TrainCommandTest {
    @TempDir
    Path dir;
    Path data;

    @BeforeEach
    void setUp() throws IOException {
        data = dir.resolve("data");
        for (int i = 0; i < 3; i++) {
            PipelineCommandsTest.sample(data.resolve("s" + i), 2 * i);
        }
    }

    private Run train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--model", "unet-bn",
                "--option", "base=4", "--option", "depth=3", "--batch", "2", "--patch", "32",
                "--split", "random", "--val-fraction", "0.34", "--no-progress", "--out", out.toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--epochs")) {
            args.addAll(List.of("--epochs", "1"));
        }
        return Run.of(args.toArray(String[]::new));
    }

    @Test
    void aSecondRunIntoTheSameOutIsRefusedUnlessResumeOrOverwrite() throws IOException {
        Path out = dir.resolve("run/model.safetensors");
        Run first = train(out);
        assertEquals(0, first.exitCode(), first.toString());
        byte[] best = Files.readAllBytes(out);
        byte[] history = Files.readAllBytes(dir.resolve("run/model.history.csv"));

        Run again = train(out, "--seed", "7");
        assertEquals(2, again.exitCode(), again.toString());
        String message = again.err().lines().findFirst().orElse("");
        assertTrue(message.contains(out.toString()) && message.contains("--resume") && message.contains("--overwrite"),
                again.toString());
        assertTrue(again.out().isBlank(), "refused before any work: " + again);
        assertArrayEquals(best, Files.readAllBytes(out), "the previous best model is untouched");
        assertArrayEquals(history, Files.readAllBytes(dir.resolve("run/model.history.csv")));

        Run both = train(out, "--resume", "--overwrite");
        assertEquals(2, both.exitCode(), both.toString());

        Run over = train(out, "--seed", "7", "--overwrite");
        assertEquals(0, over.exitCode(), over.toString());
        assertTrue(over.out().contains("epoch 1/1"), over.toString());
        assertFalse(java.util.Arrays.equals(best, Files.readAllBytes(out)), "--overwrite starts a new run");

        Run resumed = train(out, "--epochs", "2", "--resume");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(resumed.out().contains("resuming after epoch 1") && resumed.out().contains("epoch 2/2"),
                resumed.toString());
    }

    @Test
    void aDirectoryAsOutIsAUsageErrorBeforeTraining() throws IOException {
        Path out = Files.createDirectories(dir.resolve("models"));
        Run r = train(out);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().lines().findFirst().orElse("").contains(out.toString())
                && r.err().contains("is a directory"), r.toString());
        assertTrue(r.out().isBlank(), "refused before any work: " + r);
        try (var s = Files.list(dir)) {
            assertEquals(List.of("data", "models"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void anUnwritableParentFailsBeforeTraining() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        Run r = train(file.resolve("model.safetensors"));
        assertEquals(1, r.exitCode(), r.toString());
        String message = r.err().lines().findFirst().orElse("");
        assertTrue(message.contains(file.toString()), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.out().isBlank(), "refused before any work: " + r);
    }

    @Test
    void aReadOnlyFolderFailsBeforeTraining() throws IOException {
        Path ro = Files.createDirectories(dir.resolve("ro"));
        Assumptions.assumeTrue(ro.toFile().setWritable(false, false), "cannot make a read-only folder here");
        try {
            Assumptions.assumeFalse(Files.isWritable(ro), "running as root: a read-only folder is still writable");
            Run r = train(ro.resolve("model.safetensors"));
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().lines().findFirst().orElse("").contains(ro.toString()), r.toString());
            assertTrue(r.out().isBlank(), "refused before any work: " + r);
        } finally {
            ro.toFile().setWritable(true, false);
        }
    }

    @Test
    void seamWeightTrainsADistanceHeadAndIsAUsageErrorWithTheForegroundHead() throws IOException {
        Path out = dir.resolve("seam/model.safetensors");
        Run fg = train(out, "--seam-weight", "10");
        assertEquals(2, fg.exitCode(), fg.toString());
        assertTrue(fg.err().contains("--seam-weight needs --head contour or distance"), fg.toString());
        Run negative = train(out, "--head", "distance", "--seam-weight", "-1");
        assertEquals(2, negative.exitCode(), negative.toString());
        assertFalse(Files.exists(out));
        Run ok = train(out, "--head", "distance", "--seam-weight", "10");
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains("seam-weight=10.0") || ok.err().contains("seam-weight=10.0"), ok.toString());
        assertEquals("10.0", dev.nucleon.nn.io.SafeTensors.read(out).metadata().get("trainer.seamWeight"));
    }

    /** Issue 17: {@code --base} as summary/export/bench spell it, {@code --option base=} kept as its alias. */
    @Test
    void baseIsAcceptedLikeTheOtherCommandsAndMustAgreeWithOptionBase() {
        Path out = dir.resolve("b/model.safetensors");
        Run zero = Run.of("train", "--data", data.toString(), "--model", "unet-bn", "--base", "0", "--out",
                out.toString());
        assertEquals(2, zero.exitCode(), zero.toString());
        assertTrue(zero.err().contains("base"), "--base reaches the preset, which refuses 0: " + zero);
        Run both = Run.of("train", "--data", data.toString(), "--model", "unet-bn", "--base", "4", "--option", "base=8",
                "--out", out.toString());
        assertEquals(2, both.exitCode(), both.toString());
        assertTrue(both.err().contains("--base 4 and --option base=8 disagree"), both.toString());
        assertTrue(Run.of("train", "--help").out().contains("--base"));
        assertFalse(Files.exists(out));
    }

    @Test
    void resumeWithoutARunIsRefused() {
        Run r = train(dir.resolve("none/model.safetensors"), "--resume");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--resume") && r.err().contains("model"), r.toString());
    }

    @Test
    void initWidensANarrowerUnetAndRefusesAnotherHeadOrAFractionalFactor() {
        Path narrow = dir.resolve("narrow/model.safetensors");
        Run first = train(narrow);
        assertEquals(0, first.exitCode(), first.toString());

        Run wide = Run.of("train", "--data", data.toString(), "--model", "unet-bn", "--option", "base=8", "--option",
                "depth=3", "--batch", "2", "--patch", "32", "--split", "random", "--val-fraction", "0.34",
                "--no-progress", "--epochs", "1", "--init", narrow.toString(), "--out",
                dir.resolve("wide/model.safetensors").toString());
        assertEquals(0, wide.exitCode(), wide.toString());
        assertTrue(wide.out().contains("U-Net base 4 widened ×2 to base 8"), wide.toString());

        Run head = train(dir.resolve("h/model.safetensors"), "--init", narrow.toString(), "--head", "contour");
        assertEquals(2, head.exitCode(), head.toString());
        assertTrue(head.err().contains("head foreground") && head.err().contains("head contour"), head.toString());

        Run fraction = Run.of("train", "--data", data.toString(), "--model", "unet-bn", "--option", "base=6", "--option",
                "depth=3", "--init", narrow.toString(), "--out", dir.resolve("f/model.safetensors").toString());
        assertEquals(2, fraction.exitCode(), fraction.toString());
        assertTrue(fraction.err().contains("whole multiple"), fraction.toString());

        Run both = train(narrow, "--init", narrow.toString(), "--resume");
        assertEquals(2, both.exitCode(), both.toString());
        assertTrue(both.err().contains("--init and --resume exclude each other"), both.toString());
        assertFalse(Files.exists(dir.resolve("h/model.safetensors")));
    }
}
