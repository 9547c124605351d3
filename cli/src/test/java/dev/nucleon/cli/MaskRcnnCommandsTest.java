package dev.nucleon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nucleon train --model mask-rcnn} end to end on a tiny run (ResNet-18 at small widths, 64×64 images), then
 * its model file in {@code segment} and {@code evaluate} like any other, and refused by {@code export} in one line.
 */
class MaskRcnnCommandsTest {
    @TempDir
    Path dir;

    private Run train(Path data, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--model", "mask-rcnn",
                "--option", "depth=18", "--option", "fpn_channels=16", "--option", "representation=32",
                "--option", "mask_channels=16", "--option", "rois=32", "--option", "proposals=100",
                "--optimizer", "sgd-momentum", "--lr", "0.001", "--batch", "2",
                "--split", "random", "--val-fraction", "0.34", "--no-progress", "--out", out.toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--patch")) {
            args.addAll(List.of("--patch", "64"));
        }
        return Run.of(args.toArray(String[]::new));
    }

    @Test
    void trainThenSegmentEvaluateAndResumeAMaskRcnnModel() throws IOException {
        Path data = dir.resolve("data");
        for (int i = 0; i < 3; i++) {
            PipelineCommandsTest.sample(data.resolve("s" + i), 2 * i);
        }
        Path model = dir.resolve("run/mrcnn.safetensors");
        Run trained = train(data, model, "--epochs", "1");
        assertEquals(0, trained.exitCode(), trained.toString());
        assertTrue(trained.out().contains("epoch 1/1") && trained.out().contains("val score"), trained.toString());
        for (String f : List.of("mrcnn.safetensors", "mrcnn.last.safetensors", "mrcnn.optimizer.safetensors",
                "mrcnn.history.csv")) {
            assertTrue(Files.isRegularFile(dir.resolve("run").resolve(f)), f + "\n" + trained);
        }

        Run resumed = train(data, model, "--epochs", "2", "--resume");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(resumed.out().contains("resuming after epoch 1") && resumed.out().contains("epoch 2/2"),
                resumed.toString());

        Run otherPreset = Run.of("train", "--data", data.toString(), "--model", "unet-bn", "--out", model.toString(),
                "--resume", "--epochs", "3", "--no-progress");
        assertEquals(2, otherPreset.exitCode(), otherPreset.toString());
        assertTrue(otherPreset.err().lines().findFirst().orElse("").contains("is a mask-rcnn model, not unet-bn"),
                otherPreset.toString());

        Path seg = dir.resolve("seg");
        Run segmented = Run.of("segment", data.resolve("s0/image.png").toString(), "--model", model.toString(),
                "--out", seg.toString());
        assertEquals(0, segmented.exitCode(), segmented.toString());
        Path labels;
        try (Stream<Path> files = Files.list(seg)) {
            labels = files.filter(p -> p.getFileName().toString().contains("labels")).findFirst().orElseThrow();
        }
        LabelImage l = ImageFileReader.readLabels(labels);
        assertEquals(64, l.width(), "the label image has the image's size");

        Run evaluated = Run.of("evaluate", "--data", data.toString(), "--model", model.toString(), "--split", "none");
        assertEquals(0, evaluated.exitCode(), evaluated.toString());

        Run exported = Run.of("export", "--model", model.toString(), "--onnx", dir.resolve("m.onnx").toString());
        assertEquals(2, exported.exitCode(), exported.toString());
        assertEquals(1, exported.err().lines().filter(s -> s.contains("is a detector")).count(), exported.toString());
    }

    @Test
    void aPatchThatIsNotAMultipleOf32IsRefusedInOneLine() throws IOException {
        Path data = dir.resolve("data");
        PipelineCommandsTest.sample(data.resolve("s0"), 0);
        PipelineCommandsTest.sample(data.resolve("s1"), 2);
        Run r = train(data, dir.resolve("m.safetensors"), "--epochs", "1", "--patch", "48");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().lines().findFirst().orElse("").contains("--patch 48 is not a multiple of 32"), r.toString());
        assertTrue(r.out().isBlank(), "refused before training: " + r);
    }
}
