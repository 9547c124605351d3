package dev.nucleon.segmentation.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.nn.Module;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.instance.PostProcessing;
import dev.nucleon.segmentation.networks.Presets;
import dev.nucleon.segmentation.preprocess.NetworkInput;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The predictor's choice of instance step: {@link PostProcessing}, from the model file or set. */
class PredictorPostProcessingTest {
    private static Module twoChannelNet() {
        return Presets.build("unet-bn", Map.of("base", 4, "depth", 3, "in_channels", 1, "classes", 2,
                "output", "sigmoid"));
    }

    /** Two discs of radius 9, centres 16 px apart, with a distance channel peaking at each centre. */
    private static FloatImage twoTouchingNuclei() {
        int w = 40, h = 20, n = w * h;
        float[] out = new float[2 * n];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double d1 = Math.hypot(x - 12, y - 10), d2 = Math.hypot(x - 28, y - 10);
                if (Math.min(d1, d2) < 9) {
                    out[y * w + x] = 0.9f;
                    out[n + y * w + x] = (float) Math.max(1 - d1 / 9, 1 - d2 / 9);
                }
            }
        }
        return new FloatImage(w, h, 2, out);
    }

    @Test
    void paper004IgnoresTheSecondChannelAndNeverSplits() {
        Predictor p = new Predictor(twoChannelNet(), NetworkInput.NAME, Head.DISTANCE);
        FloatImage out = twoTouchingNuclei();
        assertEquals(PostProcessing.WATERSHED, p.postProcessingMethod());
        assertEquals(2, p.decode(out).countLabels(), "the distance head's watershed splits them");
        p.postProcessing(PostProcessing.PAPER004);
        assertEquals(PostProcessing.PAPER004, p.postProcessingMethod());
        assertEquals(1, p.decode(out).countLabels(), "paper 004: one connected component");
        p.postProcessing(p.postProcessing().withThreshold(0.95f));
        assertEquals(0, p.decode(out).countLabels(), "the threshold still applies: 0.9 is not > 0.95");
        p.postProcessing(PostProcessing.WATERSHED).postProcessing(p.postProcessing().withThreshold(0.5f));
        assertEquals(2, p.decode(out).countLabels(), "back to the watershed step");
    }

    @Test
    void aModelFileCarriesItsPostProcessingAndAPredictorMayOverrideIt(@TempDir Path dir) throws IOException {
        Module net = twoChannelNet();
        Path paper = dir.resolve("paper.safetensors");
        Checkpoint.save(paper, net, Map.of(Predictor.META_HEAD, "distance", Predictor.META_POST, "paper004"));
        Predictor p = Predictor.load(paper);
        assertEquals("nucleon.post", Predictor.META_POST);
        assertEquals(PostProcessing.PAPER004, p.postProcessingMethod());
        assertEquals(1, p.decode(twoTouchingNuclei()).countLabels());
        assertEquals(2, p.postProcessing(PostProcessing.WATERSHED).decode(twoTouchingNuclei()).countLabels());

        Path plain = dir.resolve("plain.safetensors");
        Checkpoint.save(plain, net, Map.of(Predictor.META_HEAD, "distance"));
        assertEquals(PostProcessing.WATERSHED, Predictor.load(plain).postProcessingMethod());

        Path bad = dir.resolve("bad.safetensors");
        Checkpoint.save(bad, net, Map.of(Predictor.META_HEAD, "distance", Predictor.META_POST, "stardist"));
        IOException e = assertThrows(IOException.class, () -> Predictor.load(bad));
        assertTrue(e.getMessage().contains("bad model metadata") && e.getMessage().contains("stardist")
                && e.getMessage().contains("watershed, paper004"), e.getMessage());
    }
}
