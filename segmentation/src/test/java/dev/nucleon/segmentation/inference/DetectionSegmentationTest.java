package dev.nucleon.segmentation.inference;

import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.segmentation.detection.MaskRcnn;
import dev.nucleon.segmentation.detection.RoiHeads;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.networks.Presets;
import dev.nucleon.segmentation.preprocess.NetworkInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The detector path of {@link Predictor}: a {@code mask-rcnn} model file loads as a detector, sides that are not
 * multiples of 32 are padded and cropped back, the loaded (batch-norm-folded) model detects what the model it was
 * saved from detects, and tiles are refused in one line.
 */
class DetectionSegmentationTest {

    private static Module smallPreset() {
        Initializers.manualSeed(5);
        return Presets.build(Presets.MASK_RCNN, Map.of(Presets.IN_CHANNELS, 3, Presets.DEPTH, 18,
                Presets.FPN_CHANNELS, 8, Presets.REPRESENTATION, 16, Presets.MASK_CHANNELS, 8, Presets.PROPOSALS, 60));
    }

    private static FloatImage image(int w, int h) {
        Random r = new Random(1);
        float[] d = new float[3 * w * h];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat();
        }
        return new FloatImage(w, h, 3, d);
    }

    @Test
    void aModelFileLoadsAsADetectorAndDetectsAsTheModelItWasSavedFrom(@TempDir Path dir) throws IOException {
        Module net = smallPreset();
        Path file = dir.resolve("m.safetensors");
        Checkpoint.save(file, net, Map.of(Predictor.META_INPUT, NetworkInput.RGB_NAME));
        Predictor loaded = Predictor.load(file);
        Predictor direct = new Predictor(net, NetworkInput.RGB_NAME, dev.nucleon.segmentation.head.Head.FOREGROUND);
        assertTrue(loaded.isDetector() && direct.isDetector());
        assertFalse(new Predictor(Presets.build("unet-bn", Map.of("base", 4, "depth", 3, "in_channels", 1))).isDetector());

        FloatImage in = image(70, 50); // neither side a multiple of 32: padded to 96 x 64, cropped back
        LabelImage a = loaded.segmentInput(in);
        assertEquals(70, a.width());
        assertEquals(50, a.height());
        RoiHeads.Detections da = new DetectionSegmentation((MaskRcnn) loaded.model(),
                new dev.nucleon.segmentation.detection.MaskPasting(0, 0.5f, 0)).detections(in,
                dev.nucleon.core.Device.CPU);
        RoiHeads.Detections db = new DetectionSegmentation((MaskRcnn) net,
                new dev.nucleon.segmentation.detection.MaskPasting(0, 0.5f, 0)).detections(in,
                dev.nucleon.core.Device.CPU);
        assertTrue(db.count() > 0, "an untrained detector still returns low-score detections");
        assertEquals(db.count(), da.count());
        assertArrayEquals(db.boxes(), da.boxes(), 1e-2f);
        assertArrayEquals(db.scores(), da.scores(), 1e-4f);
        assertEquals(direct.segmentInput(in), a);
        assertEquals(1, loaded.probabilityOfInput(in).channels());
    }

    @Test
    void anImageLargeEnoughToStreamIsRefusedInOneLineNamingTheFile(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("big.png");
        dev.nucleon.segmentation.io.ImageFileWriter.writeGray(new FloatImage(64, 64, 1, new float[64 * 64]), png, 8);
        Predictor p = new Predictor(smallPreset(), NetworkInput.RGB_NAME, dev.nucleon.segmentation.head.Head.FOREGROUND);
        System.setProperty("nucleon.streamAbovePixels", "1000");
        try {
            IOException e = assertThrows(IOException.class, () -> ImageFileSegmentation.run(p, png,
                    dir.resolve("l.png"), dir.resolve("o.png"), dir.resolve("m.csv")));
            assertTrue(e.getMessage().contains(png.toString()) && e.getMessage().contains("whole images only")
                    && !e.getMessage().contains("\n"), e.getMessage());
        } finally {
            System.clearProperty("nucleon.streamAbovePixels");
        }
    }

    @Test
    void tilesAreRefusedInOneLine() {
        Predictor p = new Predictor(smallPreset(), NetworkInput.RGB_NAME, dev.nucleon.segmentation.head.Head.FOREGROUND);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> p.forwardTiles(new float[3 * 64 * 64], 1, 64));
        assertTrue(e.getMessage().contains("whole images"), e.getMessage());
    }
}
