package dev.nucleon.segmentation.recipes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.dataset.DatasetSplit;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.dataset.TrainingSample;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileWriter;
import dev.nucleon.segmentation.preprocess.NetworkInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paper 004's patch generation, checked against its "Training and validation set generation" section. */
class Paper004PatchesTest {
    @TempDir
    Path dir;

    @Test
    void gridOriginsCoverTheImageReCroppingFlushAtTheRightAndBottomEdges() {
        assertArrayEquals(new int[] {0}, Paper004Patches.origins(256));
        assertArrayEquals(new int[] {0}, Paper004Patches.origins(200), "shorter than 256: one zero-padded patch");
        assertArrayEquals(new int[] {0, 104}, Paper004Patches.origins(360), "360 = 256 + 104: last patch flush");
        assertArrayEquals(new int[] {0, 256}, Paper004Patches.origins(512));
        assertArrayEquals(new int[] {0, 256, 264}, Paper004Patches.origins(520));
        assertArrayEquals(new int[] {0, 256, 512, 768, 1024, 1132}, Paper004Patches.origins(1388));
    }

    @Test
    void foregroundRatioIsForegroundOverBackground() {
        int[] l = new int[10];
        for (int i = 0; i < 3; i++) {
            l[i] = 1;
        }
        assertEquals(3.0 / 7.0, Paper004Patches.foregroundRatio(new LabelImage(10, 1, l)), 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, Paper004Patches.foregroundRatio(new LabelImage(1, 1, new int[] {2})));
    }

    @Test
    void patchesOfOneImageAreTheGridThenTheRandomOnesWhoseForegroundRatioExceedsTheThreshold() {
        // 300×200: grid x ∈ {0, 44}, y = 0 (padded to 256); a 300×200 nucleus-free image gives no random patch
        FloatImage input = new FloatImage(300, 200, 1, new float[300 * 200]);
        List<TrainingSample> empty = Paper004Patches.of("a", input, new LabelImage(300, 200, new int[300 * 200]),
                new Random(1));
        assertEquals(List.of("a@0,0", "a@44,0"), empty.stream().map(TrainingSample::id).toList());
        for (TrainingSample p : empty) {
            assertEquals(256, p.input().width());
            assertEquals(256, p.input().height());
        }
        // all foreground: both random tries are kept
        int[] full = new int[300 * 200];
        java.util.Arrays.fill(full, 1);
        List<TrainingSample> dense = Paper004Patches.of("b", input, new LabelImage(300, 200, full), new Random(1));
        assertEquals(4, dense.size());
        assertTrue(dense.get(2).id().endsWith("~r") && dense.get(3).id().endsWith("~r"));
        // the zero padding below row 200 is background in the labels and 0 in the input
        assertEquals(0, dense.get(0).labels().data()[255 * 256]);
        assertEquals(1, dense.get(0).labels().data()[199 * 256]);
        // 256×256: one patch, no random ones (every crop would be the same patch)
        FloatImage square = new FloatImage(256, 256, 1, new float[256 * 256]);
        int[] fullSquare = new int[256 * 256];
        java.util.Arrays.fill(fullSquare, 1);
        assertEquals(1, Paper004Patches.of("c", square, new LabelImage(256, 256, fullSquare), new Random(1)).size());
    }

    @Test
    void theSplitIsEightToTwoSeededAndDisjoint() {
        List<TrainingSample> patches = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            patches.add(new TrainingSample("p" + i, new FloatImage(1, 1, 1, new float[1]), new LabelImage(1, 1, new int[1]),
                    dev.nucleon.segmentation.dataset.ImageKind.GRAY));
        }
        DatasetSplit<TrainingSample> s = Paper004Patches.split(patches, 7);
        assertEquals(40, s.train().size());
        assertEquals(10, s.validation().size());
        Set<String> ids = new HashSet<>();
        s.train().forEach(p -> ids.add(p.id()));
        s.validation().forEach(p -> assertTrue(ids.add(p.id()), "disjoint"));
        assertEquals(s, Paper004Patches.split(patches, 7), "seeded");
    }

    @Test
    void onlyGrayImagesArePatchedAndAFolderWithoutOneIsRefused() throws IOException {
        NucleiSample gray = write("gray", false);
        NucleiSample colour = write("colour", true);
        List<TrainingSample> p = Paper004Patches.patches(List.of(gray, colour), 1, null);
        assertEquals(1, p.size());
        assertEquals("gray@0,0", p.get(0).id());
        float[] v = p.get(0).input().crop(0, 0, 64, 64).data();
        float min = 1, max = 0;
        for (float f : v) {
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        assertEquals(0f, min, 0f, "min-max to [0, 1]");
        assertEquals(1f, max, 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Paper004Patches.patches(List.of(colour), 1, null));
        assertTrue(e.getMessage().contains("grayscale"), e.getMessage());
    }

    @Test
    void thePaper004InputIsClaheThenTvThenMinMax() {
        float[] d = new float[64 * 64];
        for (int i = 0; i < d.length; i++) {
            d[i] = (i % 64) / 128f + 0.2f;
        }
        FloatImage image = new FloatImage(64, 64, 1, d);
        FloatImage expected = new dev.nucleon.segmentation.preprocess.TotalVariationDenoising().apply(
                new dev.nucleon.segmentation.preprocess.Clahe().apply(image));
        FloatImage got = NetworkInput.prepare(image, NetworkInput.PAPER004_NAME);
        float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
        for (float f : expected.data()) {
            lo = Math.min(lo, f);
            hi = Math.max(hi, f);
        }
        for (int i = 0; i < d.length; i++) {
            assertEquals((expected.data()[i] - lo) / (hi - lo), got.data()[i], 1e-6f);
        }
        assertEquals(1, NetworkInput.channels(NetworkInput.PAPER004_NAME));
        FloatImage flat = NetworkInput.prepare(new FloatImage(8, 8, 1, new float[64]), NetworkInput.PAPER004_NAME);
        for (float f : flat.data()) {
            assertEquals(0f, f, "a constant image becomes 0");
        }
        assertTrue(!dev.nucleon.segmentation.inference.StreamedNetworkInput.streams(NetworkInput.PAPER004_NAME));
    }

    private NucleiSample write(String id, boolean colour) throws IOException {
        Path folder = dir.resolve(id);
        java.nio.file.Files.createDirectories(folder);
        int n = 64 * 64;
        float[] img = new float[(colour ? 3 : 1) * n];
        int[] lab = new int[n];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                boolean in = (x - 30) * (x - 30) + (y - 30) * (y - 30) < 100;
                lab[y * 64 + x] = in ? 1 : 0;
                for (int c = 0; c < (colour ? 3 : 1); c++) {
                    img[c * n + y * 64 + x] = in ? 0.8f - 0.3f * c : 0.1f + 0.2f * c;
                }
            }
        }
        Path image = folder.resolve("image.png");
        if (colour) {
            ImageFileWriter.writeRgb(new FloatImage(64, 64, 3, img), image);
        } else {
            ImageFileWriter.writeGray(new FloatImage(64, 64, 1, img), image, 8);
        }
        Path labels = folder.resolve("labels.png");
        ImageFileWriter.writeLabels(new LabelImage(64, 64, lab), labels);
        return new NucleiSample(id, image, labels, null);
    }
}
