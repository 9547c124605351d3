package dev.nucleon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code nucleon summary}: every published weight count, as printed, plus the table and the errors. */
class SummaryCommandTest {

    private static String totals(String total, String trainable, String nonTrainable) {
        return "Total params: " + total + "\nTrainable params: " + trainable + "\nNon-trainable params: " + nonTrainable
                + "\n";
    }

    private static Run run(String... args) {
        Run r = Run.of(args);
        return new Run(r.exitCode(), r.out().replace(System.lineSeparator(), "\n"), r.err());
    }

    @Test
    void listNamesEveryPresetWhichTrainsHelpPointsTo() {
        Run r = run("summary", "--list");
        assertEquals(0, r.exitCode(), r.toString());
        for (String name : dev.nucleon.segmentation.networks.Presets.names()) {
            assertTrue(r.out().contains(name + " (paper "), name + "\n" + r);
        }
        assertTrue(run("train", "--help").out().contains("nucleon summary --list"));
        Run none = run("summary");
        assertEquals(2, none.exitCode(), none.toString());
        assertTrue(none.err().contains("--list"), none.toString());
    }

    @Test
    void unetBnOfPaper002() {
        Run r = run("summary", "unet-bn", "--size", "16");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains(totals("31,055,297", "31,043,521", "11,776")), r.toString());
        assertTrue(r.out().startsWith("unet-bn (paper 002): "), r.toString());
        assertTrue(r.out().contains("Model: \"UNet\""), r.toString());
        assertTrue(r.out().contains(" enc5.0 (Conv2d) "), r.toString());
        assertTrue(r.out().contains("(None, 1024, 1, 1)"), r.toString());
        assertTrue(r.out().contains(" head.1 (Sigmoid) "), r.toString());
        assertEquals("", r.err());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = ';', value = {
            "unet;           --base 16;           1,941,093; 0",
            "unet;           --base 8;            485,813;   0",
            "unet;           ;                    1,941,093; 0",
            "unet-carving;   ;                    1,941,105; 0",
            "unet-relu;      ;                    1,941,105; 0",
            "unet-elu;       ;                    1,941,105; 0",
            "unet-plusplus;  ;                    2,261,601; 0",
            "unet-plusplus;  --base 8;            566,001;   0",
            "unet-plus;      --base 16 --up tc;   1,926,065; 3,488",
            "unet-plus;      --base 16 --up us;   1,729,985; 3,488",
            "unet-plus;      --base 8 --up tc;    483,801;   1,744",
            "unet-plus;      --base 8 --up us;    434,721;   1,744",
    })
    void publishedWeightCounts(String preset, String options, String total, String nonTrainable) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("summary", preset, "--size", "16"));
        if (options != null) {
            args.addAll(java.util.List.of(options.trim().split("\\s+")));
        }
        Run r = run(args.toArray(new String[0]));
        assertEquals(0, r.exitCode(), r.toString());
        long trainable = Long.parseLong(total.replace(",", "")) - Long.parseLong(nonTrainable.replace(",", ""));
        assertTrue(r.out().contains(totals(total, String.format(java.util.Locale.US, "%,d", trainable), nonTrainable)),
                r.toString());
    }

    @Test
    void resFcnPrintsTheTablesShapesScaledToTheInput() {
        // 64×64×3 in: every spatial size of Tables 1–2 divided by 4, output 32×32×2
        Run r = run("summary", "resfcn", "--size", "64");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("input (None, 3, 64, 64)"), r.toString());
        for (String row : new String[] {" stage1.0 (Conv2d) ", "(None, 64, 32, 32)", " pool (MaxPool2d) ",
                "(None, 64, 16, 16)", "(None, 512, 2, 2)", " head.1 (Softmax) "}) {
            assertTrue(r.out().contains(row), row + " in\n" + r.out());
        }
        assertTrue(r.out().matches("(?s).*head\\.1 \\(Softmax\\)\\s+\\(None, 2, 32, 32\\).*"), r.out());
    }

    @Test
    void sizeZeroCountsWithoutAForwardPass() {
        Run r = run("summary", "resnet-fcn", "--depth", "18", "--size", "0");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("no forward pass"), r.toString());
        // ResNet-18 trunk (torchvision less fc) + three 1×1 score convolutions; BN statistics 2 × 4,800
        assertTrue(r.out().contains(totals("11,187,011", "11,177,411", "9,600")), r.toString());
        assertTrue(r.out().contains(" -   "), r.toString());
    }

    @Test
    void maskRcnnCountsAndRunsItsDetector() {
        // ResNet-50 FPN, 2 classes: torchvision's 43,922,395 + 53,120 batch-norm γ/β (trainable here, frozen there)
        Run count = run("summary", "mask-rcnn", "--size", "0");
        assertEquals(0, count.exitCode(), count.toString());
        assertTrue(count.out().contains(totals("44,028,635", "43,975,515", "53,120")), count.toString());
        Run r = run("summary", "mask-rcnn", "--depth", "18", "--size", "32");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("mask-rcnn (paper 001): "), r.toString());
        assertTrue(r.out().contains("Model: \"MaskRcnn\""), r.toString());
        for (String row : new String[] {" fpn.layer0 (Conv2d) ", "(None, 256, 8, 8)", " rpn.head.cls_logits (Conv2d) ",
                " roi_heads.box_head.fc6 (Conv2d) ", " roi_heads.mask_predictor.mask_fcn_logits (Conv2d) "}) {
            assertTrue(r.out().contains(row), row + " in\n" + r.out());
        }
        Run size = run("summary", "mask-rcnn", "--depth", "18", "--size", "40");
        assertEquals(2, size.exitCode(), size.toString());
        assertTrue(size.err().contains("multiples of 32"), size.err());
    }

    @Test
    void otherPresetsAndOptions() {
        Run r = run("summary", "simple-cnn", "--size", "8");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains(totals("22,799", "22,793", "6")), r.toString());
        assertTrue(r.out().contains("(None, 3, 8, 8)"), r.toString());
        Run gray = run("summary", "unet-carving", "--in-channels", "1", "--size", "16");
        assertEquals(0, gray.exitCode(), gray.toString());
        assertTrue(gray.out().contains("Total params: 1,940,817\n"), gray.toString()); // 2 × 9 × 16 fewer
    }

    @Test
    void badInputIsExplained() {
        Run unknown = run("summary", "unet3000");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().startsWith("nucleon: no network preset 'unet3000' (known: unet-bn, unet, "), unknown.err());
        Run option = run("summary", "unet", "--up", "us");
        assertEquals(2, option.exitCode(), option.toString());
        assertTrue(option.err().contains("preset 'unet' takes the options"), option.err());
        Run up = run("summary", "unet-plus", "--up", "sideways");
        assertEquals(2, up.exitCode(), up.toString());
        assertTrue(up.err().contains("'sideways'"), up.err());
        Run size = run("summary", "unet", "--base", "2", "--size", "40");
        assertEquals(2, size.exitCode(), size.toString());
        assertTrue(size.err().contains("must be a multiple of 16"), size.err());
        assertFalse(size.err().contains("\tat "), size.err());
        Run missing = run("summary");
        assertEquals(2, missing.exitCode(), missing.toString());
    }

    @Test
    void helpListsThePresets() {
        Run r = run("summary", "--help");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("unet-plusplus"), r.out());
        assertTrue(r.out().contains("--up=tc|us"), r.out());
        assertTrue(Run.of("--help").out().contains("summary"));
    }
}
