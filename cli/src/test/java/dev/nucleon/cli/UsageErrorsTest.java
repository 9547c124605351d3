package dev.nucleon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.cpu.Parallel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every usage error exits 2, as the README promises (issue 15, case 12): a message on stderr naming the option,
 * nothing on stdout, no stack trace, and no work done. 
 */
class UsageErrorsTest {
    @TempDir
    static Path dir;

    static Stream<Arguments> usageErrors() {
        String img = "x.png", out = "--out";
        String threads = Integer.toString(Parallel.threads() + 1);
        return Stream.of(
                Arguments.of("--pred", new String[] {"evaluate", "--truth", "T"}),
                Arguments.of("--truth", new String[] {"evaluate", "--pred", "P"}),
                Arguments.of("--data", new String[] {"evaluate"}),
                Arguments.of("--device", new String[] {"evaluate", "--data", "D", "--device", "tpu"}),
                Arguments.of("--tile", new String[] {"evaluate", "--data", "D", "--tile", "7"}),
                Arguments.of("--device", new String[] {"segment", img, out, "O", "--device", "tpu"}),
                Arguments.of("--device", new String[] {"segment", img, out, "O", "--device", "cuda:-1"}),
                Arguments.of("--device", new String[] {"segment", img, out, "O", "--device", "cuda:x"}),
                Arguments.of("--threshold", new String[] {"segment", img, out, "O", "--threshold", "1.5"}),
                Arguments.of("--min-size", new String[] {"segment", img, out, "O", "--min-size", "-1"}),
                Arguments.of("--tile", new String[] {"segment", img, out, "O", "--tile", "20"}),
                Arguments.of("--overlap", new String[] {"segment", img, out, "O", "--overlap", "500"}),
                Arguments.of("--tile-margin", new String[] {"segment", img, out, "O", "--tile-margin", "-1"}),
                Arguments.of("--tile-margin", new String[] {"evaluate", "--data", "D", "--tiles", "64",
                        "--tile-margin", "65"}),
                Arguments.of("give one of them", new String[] {"segment", img, out, "O", "--overlap", "8",
                        "--tile-margin", "8"}),
                Arguments.of("--diameter", new String[] {"segment", img, out, "O", "--diameter", "-3"}),
                Arguments.of("--core-threshold", new String[] {"segment", img, out, "O", "--core-threshold", "1.5"}),
                Arguments.of("--core-threshold", new String[] {"evaluate", "--data", "D", "--core-threshold", "0"}),
                Arguments.of("--threshold", new String[] {"evaluate", "--data", "D", "--threshold", "1"}),
                Arguments.of("standard input", new String[] {"segment", "-", "-", out, "O"}),
                Arguments.of("--out", new String[] {"segment", img}),
                Arguments.of("unet3000", new String[] {"summary", "unet3000"}),
                Arguments.of("base", new String[] {"summary", "unet", "--base", "0"}),
                Arguments.of("takes the options", new String[] {"summary", "unet", "--up", "us"}),
                Arguments.of("--size", new String[] {"summary", "unet", "--size", "-1"}),
                Arguments.of("multiple of 16", new String[] {"summary", "unet", "--base", "2", "--size", "40"}),
                Arguments.of("--batch", new String[] {"bench", "--model", "unet", "--batch", "0"}),
                Arguments.of("--repeats", new String[] {"bench", "--model", "unet", "--repeats", "0"}),
                Arguments.of("no network preset", new String[] {"bench", "--model", "nope"}),
                Arguments.of("base", new String[] {"bench", "--model", "unet", "--base", "0"}),
                Arguments.of("--device", new String[] {"bench", "--model", "unet", "--device", "tpu"}),
                Arguments.of("--threads", new String[] {"bench", "--model", "unet", "--threads", threads}),
                Arguments.of("no preset", new String[] {"export", "--model", "nope", "--onnx", "x.onnx"}),
                Arguments.of("base", new String[] {"export", "--model", "unet", "--base", "0", "--onnx", "x.onnx"}),
                Arguments.of("--size", new String[] {"export", "--model", "unet", "--size", "0", "--onnx", "x.onnx"}),
                Arguments.of("--frobnicate", new String[] {"info", "--frobnicate"}),
                Arguments.of("'bogus'", train("--option", "bogus=1")),
                Arguments.of("base filters", train("--option", "base=0")),
                Arguments.of("batch size", train("--batch", "0")),
                Arguments.of("epochs", train("--epochs", "0")),
                Arguments.of("--device", train("--device", "tpu")),
                Arguments.of("--split", train("--split", "kmeans")),
                Arguments.of("--loss cross-entropy go together", train("--head", "classes")),
                Arguments.of("--loss cross-entropy go together", train("--loss", "cross-entropy")),
                Arguments.of("unknown preset", new String[] {"train", "--data", "D", "--model", "unet3000", out, "m.safetensors"}),
                Arguments.of("--head and --init do not apply", new String[] {"train", "--data", "D", "--model", "mask-rcnn",
                        "--head", "contour", out, "m.safetensors"}),
                Arguments.of("is a detector", new String[] {"bench", "--model", "mask-rcnn"}),
                Arguments.of("is a detector", new String[] {"export", "--model", "mask-rcnn", "--onnx", "x.onnx"}));
    }

    /** {@code train} on a data folder that does not exist: the usage error must come before the data is read. */
    static String[] train(String... extra) {
        String[] base = {"train", "--data", "D", "--model", "unet-bn", "--out", "m.safetensors"};
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @ParameterizedTest(name = "{index}: nucleon {1}")
    @MethodSource("usageErrors")
    void exitsWith2(String mentions, String[] args) {
        String[] inDir = new String[args.length];
        for (int i = 0; i < args.length; i++) { // relative paths land in the temporary folder
            boolean path = i > 0 && (args[i - 1].equals("--out") || args[i - 1].equals("--onnx")
                    || args[i - 1].equals("--data") || args[i - 1].equals("--truth") || args[i - 1].equals("--pred"));
            inDir[i] = path ? dir.resolve(args[i]).toString() : args[i];
        }
        Run r = Run.of(inDir);
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("", r.out(), r.toString());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("nucleon: ") && first.contains(mentions), r.toString());
        assertFalse(r.err().contains("\tat "), r.toString());
        assertFalse(Files.exists(dir.resolve("O")), "no output folder made: " + r);
        assertFalse(Files.exists(dir.resolve("x.onnx")), "nothing exported: " + r);
    }
}
