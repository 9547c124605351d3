package dev.nucleon.segmentation.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.networks.Presets;
import dev.nucleon.segmentation.preprocess.NetworkInput;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictorTest {

    /** A small U-Net with batch norm whose running statistics and affine parameters are not the defaults. */
    static Module smallBnNet(long seed) {
        Initializers.manualSeed(seed);
        Module net = Presets.build("unet-bn", Map.of("base", 4, "depth", 3, "in_channels", 1));
        Random r = new Random(seed);
        for (Module m : net.namedModules().values()) {
            if (m instanceof BatchNorm2d bn) {
                int c = bn.weight().shape()[0];
                bn.weight().assign(Tensor.of(random(r, c, 0.5f, 1.5f), c));
                bn.bias().assign(Tensor.of(random(r, c, -0.3f, 0.3f), c));
                bn.runningMean().assign(Tensor.of(random(r, c, -0.5f, 0.5f), c));
                bn.runningVar().assign(Tensor.of(random(r, c, 0.2f, 2f), c));
            }
        }
        return net.eval();
    }

    private static float[] random(Random r, int n, float lo, float hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = lo + (hi - lo) * r.nextFloat();
        }
        return a;
    }

    @Test
    @SuppressWarnings("try") // the no-grad scope is used only for its effect
    void foldedBatchNormGivesTheSameOutputs() {
        Module plain = smallBnNet(7);
        Module folded = smallBnNet(7);
        int removed = BatchNormFolding.fold(folded);
        assertEquals(2 * 5, removed, "two batch norms per block, 5 blocks at depth 3");
        Tensor x = Tensor.uniform(3, 0f, 1f, 2, 1, 32, 32);
        try (Autograd.NoGradScope ignored = Autograd.noGrad()) {
            float[] a = plain.forward(x).toArray(), b = folded.forward(x).toArray();
            double worst = 0;
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
            assertTrue(worst < 1e-5, "max |folded - unfolded| = " + worst);
        }
        assertTrue(folded.namedModules().values().stream().noneMatch(m -> m instanceof BatchNorm2d));
    }

    @Test
    void probabilityMapCoversTheImageWhateverTheBatchAndFlips(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.safetensors");
        Checkpoint.save(file, smallBnNet(3));
        FloatImage image = ImageFileReader.read(TestData.image(TestData.COLOUR_ID)); // 320x256, RGBA
        Predictor one = Predictor.load(file).patches(128, 128).batchSize(1);
        Predictor four = Predictor.load(file).patches(128, 128).batchSize(4);
        FloatImage p1 = one.probability(image), p4 = four.probability(image);
        assertEquals(320, p1.width());
        assertEquals(256, p1.height());
        assertEquals(1, p1.channels());
        for (int i = 0; i < p1.data().length; i++) {
            assertTrue(p1.data()[i] >= 0 && p1.data()[i] <= 1);
            assertEquals(p1.data()[i], p4.data()[i], 1e-5);
        }
        FloatImage tta = Predictor.load(file).patches(128, 128).flipTta(true).probability(image);
        assertEquals(p1.data().length, tta.data().length);
        // the unfolded network gives the same map within float rounding
        FloatImage unfolded = new Predictor(Checkpoint.load(file)).patches(128, 128).probability(image);
        for (int i = 0; i < p1.data().length; i++) {
            assertEquals(unfolded.data()[i], p1.data()[i], 1e-5);
        }
    }

    @Test
    void overlappingTilesCoverTheImage(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.safetensors");
        Checkpoint.save(file, smallBnNet(4));
        FloatImage image = ImageFileReader.read(TestData.image(TestData.COLOUR_ID)); // 320x256
        FloatImage p = Predictor.load(file).tiles(96, 16).probability(image);
        assertEquals(320, p.width());
        assertEquals(256, p.height());
        for (float v : p.data()) {
            assertTrue(v >= 0 && v <= 1);
        }
    }

    @Test
    void networkInputInvertsBrightBackgrounds() throws IOException {
        FloatImage colour = ImageFileReader.read(TestData.image(TestData.COLOUR_ID));
        FloatImage in = NetworkInput.prepare(colour);
        assertEquals(1, in.channels());
        assertTrue(in.min() >= 0 && in.max() <= 1);
        // the H&E-like sample has a bright background: after inversion the median is dark
        float[] d = in.data().clone();
        java.util.Arrays.sort(d);
        assertTrue(d[d.length / 2] < 0.5, "median " + d[d.length / 2]);
        FloatImage gray = ImageFileReader.read(TestData.image(TestData.GRAY_ID));
        assertTrue(!NetworkInput.brightBackground(dev.nucleon.segmentation.preprocess.Grayscale.of(gray)));
    }

    /** A small two-channel, three-input U-Net saved with the metadata a contour-head training run writes. */
    static Path contourModel(Path dir, double diameter) throws IOException {
        Initializers.manualSeed(9);
        Module net = Presets.build("unet-bn", Map.of("base", 4, "depth", 3, "in_channels", 3, "classes", 2, "output", "sigmoid"));
        Path file = dir.resolve("contour.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(Predictor.META_INPUT, NetworkInput.RGB_NAME);
        meta.put(Predictor.META_HEAD, Head.CONTOUR.label());
        meta.put(Predictor.META_DIAMETER, Double.toString(diameter));
        Checkpoint.save(file, net, meta);
        return file;
    }

    @Test
    void modelFileMetadataChoosesInputHeadAndTrainingSize(@TempDir Path dir) throws IOException {
        Predictor p = Predictor.load(contourModel(dir, 20));
        assertEquals(Head.CONTOUR, p.head());
        assertEquals(NetworkInput.RGB_NAME, p.input());
        assertEquals(20.0, p.trainingDiameter());
        FloatImage image = ImageFileReader.read(TestData.image(TestData.COLOUR_ID)); // 320x256 RGBA
        FloatImage out = p.diameter(0).probability(image);
        assertEquals(2, out.channels());
        assertEquals(320, out.width());
        assertEquals(256, out.height());
        LabelImage labels = p.segment(image);
        assertEquals(320, labels.width());
        assertEquals(256, labels.height());
        // a model file without the metadata is the one-channel foreground model
        Path plain = dir.resolve("plain.safetensors");
        Checkpoint.save(plain, smallBnNet(3));
        assertEquals(Head.FOREGROUND, Predictor.load(plain).head());
        assertTrue(Double.isNaN(Predictor.load(plain).trainingDiameter()));
    }

    @Test
    void givenDiameterRescalesAndLabelsKeepTheImageSize(@TempDir Path dir) throws IOException {
        Predictor p = Predictor.load(contourModel(dir, 20));
        FloatImage image = ImageFileReader.read(TestData.image(TestData.GRAY_ID));
        FloatImage in = NetworkInput.prepare(image, NetworkInput.RGB_NAME);
        assertEquals(0.25, p.diameter(80).scaleOf(in), 1e-12, "nuclei of 80 px to 20 px: a quarter");
        assertEquals(1.0, p.diameter(24).scaleOf(in), 1e-12, "within the tolerance: no rescaling");
        assertEquals(2.0, p.diameter(10).scaleOf(in), 1e-12);
        assertEquals(1.0, p.diameter(0).scaleOf(in), 1e-12, "0 turns rescaling off");
        LabelImage l = p.diameter(80).segment(image);
        assertEquals(image.width(), l.width());
        assertEquals(image.height(), l.height());
        assertThrows(IllegalArgumentException.class, () -> p.diameter(-1));
        assertThrows(IllegalArgumentException.class, () -> p.diameter(1001));
        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                () -> p.diameter(1000).segment(FloatImage.zeros(20, 3, 1)));
        assertTrue(tooSmall.getMessage().contains("too small"), tooSmall.getMessage());
    }

    @Test
    void blendedTilesAreTheDefaultAndMatchOneWholePass(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.safetensors");
        Checkpoint.save(file, smallBnNet(5));
        FloatImage image = ImageFileReader.read(TestData.image(TestData.COLOUR_ID)).crop(0, 0, 160, 160);
        // one tile covering the whole image vs 96-px tiles blended over 32 px
        FloatImage whole = Predictor.load(file).blendedTiles(160, 0).probability(image);
        FloatImage byDefault = Predictor.load(file).probability(image);
        FloatImage explicit = Predictor.load(file).blendedTiles(256, Predictor.DEFAULT_OVERLAP).probability(image);
        assertArrayEquals(explicit.data(), byDefault.data(), "blended 256-px tiles are the default");
        FloatImage small = Predictor.load(file).blendedTiles(96, 32).probability(image);
        double worst = 0, mean = 0;
        for (int i = 0; i < whole.data().length; i++) {
            double e = Math.abs(whole.data()[i] - small.data()[i]);
            worst = Math.max(worst, e);
            mean += e;
        }
        mean /= whole.data().length;
        assertTrue(mean < 0.05, "blended tiles stay close to one pass: mean |diff| " + mean + ", worst " + worst);
    }

    @Test
    void aBlankImageGivesLabelsOfItsOwnSize(@TempDir Path dir) throws IOException {
        Predictor p = Predictor.load(contourModel(dir, 20));
        LabelImage l = p.segment(FloatImage.zeros(50, 40, 1));
        assertEquals(50, l.width());
        assertEquals(40, l.height());
    }

    @Test
    void theCoreThresholdDecidesWhetherTwoTouchingNucleiComeApart() {
        Module net = Presets.build("unet-bn", Map.of("base", 4, "depth", 3, "in_channels", 3, "classes", 2, "output", "sigmoid"));
        Predictor p = new Predictor(net, NetworkInput.RGB_NAME, Head.DISTANCE);
        int w = 40, h = 20, n = w * h;
        float[] out = new float[2 * n]; // two discs touching at x = 20; the distance dips to 0.55 between their centres
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double d1 = Math.hypot(x - 12, y - 10), d2 = Math.hypot(x - 28, y - 10);
                if (Math.min(d1, d2) < 9) {
                    out[y * w + x] = 1f;
                    double core = Math.max(1 - d1 / 9, 1 - d2 / 9); // 1 at the centres
                    out[n + y * w + x] = (float) Math.max(core, x >= 16 && x <= 24 && Math.abs(y - 10) <= 2 ? 0.55 : 0);
                }
            }
        }
        FloatImage output = new FloatImage(w, h, 2, out);
        assertEquals(0.5f, p.coreThreshold());
        assertEquals(1, p.decode(output).countLabels(), "cores joined above 0.5 by the 0.55 bridge");
        assertEquals(2, p.coreThreshold(0.6f).decode(output).countLabels(), "the bridge is below 0.6");
        assertThrows(IllegalArgumentException.class, () -> p.coreThreshold(1f));
    }

    @Test
    void aModelFileCarriesItsInstanceStepThresholds(@TempDir Path dir) throws IOException {
        Module net = Presets.build("unet-bn", Map.of("base", 4, "depth", 3, "in_channels", 3, "classes", 2, "output", "sigmoid"));
        Path file = dir.resolve("m.safetensors");
        Checkpoint.save(file, net, Map.of(Predictor.META_HEAD, "distance", Predictor.META_INPUT, NetworkInput.RGB_NAME,
                Predictor.META_THRESHOLD, "0.3", Predictor.META_CORE_THRESHOLD, "0.7",
                Predictor.META_SEED_UNMARKED, "false"));
        Predictor p = Predictor.load(file);
        assertEquals(0.3f, p.postProcessing().threshold());
        assertEquals(0.7f, p.coreThreshold());
        assertEquals(false, p.seedUnmarked());
        assertEquals(0.7f, p.seedUnmarked(true).coreThreshold(), "one setting changes, the others stay");
        assertEquals(true, p.seedUnmarked());

        Path typo = dir.resolve("typo.safetensors");
        Checkpoint.save(typo, net, Map.of(Predictor.META_HEAD, "distance", Predictor.META_INPUT, NetworkInput.RGB_NAME,
                Predictor.META_SEED_UNMARKED, "no"));
        IOException t = assertThrows(IOException.class, () -> Predictor.load(typo));
        assertTrue(t.getMessage().contains("nucleon.seedUnmarked"), t.getMessage());

        Path bad = dir.resolve("bad.safetensors");
        Checkpoint.save(bad, net, Map.of(Predictor.META_HEAD, "distance", Predictor.META_INPUT, NetworkInput.RGB_NAME,
                Predictor.META_THRESHOLD, "1.5"));
        IOException e = assertThrows(IOException.class, () -> Predictor.load(bad));
        assertTrue(e.getMessage().contains("bad model metadata") && e.getMessage().contains("nucleon.threshold"),
                e.getMessage());
    }

    /** A 3-channel distance-head U-Net with seeded weights. */
    private static Module rgbDistanceNet(long seed) {
        Initializers.manualSeed(seed);
        return Presets.build("unet-bn", Map.of("base", 4, "depth", 3, "in_channels", 3, "classes", 2, "output",
                "sigmoid"));
    }

    @Test
    void colourImagesGoToTheColourModelTheModelFileNamesAndGrayOnesStay(@TempDir Path dir) throws IOException {
        Map<String, String> meta = Map.of(Predictor.META_HEAD, "distance", Predictor.META_INPUT, NetworkInput.RGB_NAME);
        Module main = rgbDistanceNet(1), colour = rgbDistanceNet(2);
        Checkpoint.save(dir.resolve("colour.safetensors"), colour, new LinkedHashMap<>(Map.of(Predictor.META_HEAD,
                "distance", Predictor.META_INPUT, NetworkInput.RGB_NAME, Predictor.META_CORE_THRESHOLD, "0.6")));
        Map<String, String> pair = new LinkedHashMap<>(meta);
        pair.put(Predictor.META_COLOUR_MODEL, "colour.safetensors");
        Checkpoint.save(dir.resolve("main.safetensors"), main, pair);
        Predictor p = Predictor.load(dir.resolve("main.safetensors"));
        Predictor mainAlone = Predictor.load(saved(dir, "alone", main, meta));
        Predictor colourAlone = Predictor.load(saved(dir, "colour-alone", colour, meta));
        assertEquals(0.6f, p.colourModel().coreThreshold(), "the colour model keeps its own file's settings");
        assertEquals(java.util.List.of(dir.resolve("main.safetensors"), dir.resolve("colour.safetensors")),
                Predictor.filesOf(dir.resolve("main.safetensors")), "what shipping the model takes");
        assertEquals(java.util.List.of(dir.resolve("colour.safetensors")),
                Predictor.filesOf(dir.resolve("colour.safetensors")));

        Random r = new Random(7);
        float[] gray = random(r, 48 * 40, 0, 1);
        float[] rgb = new float[3 * gray.length];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(gray, 0, rgb, c * gray.length, gray.length);
        }
        FloatImage grayImage = new FloatImage(48, 40, 1, gray);
        FloatImage grayAsRgb = new FloatImage(48, 40, 3, rgb.clone());
        for (int i = 0; i < gray.length; i++) { // blue lowered by a fifth: a stained-looking colour image
            rgb[2 * gray.length + i] *= 0.8f;
        }
        FloatImage colourImage = new FloatImage(48, 40, 3, rgb);
        assertArrayEquals(mainAlone.output(grayImage).data(), p.output(grayImage).data());
        assertArrayEquals(mainAlone.output(grayAsRgb).data(), p.output(grayAsRgb).data(), "three equal channels: gray");
        assertArrayEquals(colourAlone.output(colourImage).data(), p.output(colourImage).data());
        assertArrayEquals(colourAlone.probability(colourImage).data(), p.probability(colourImage).data());
        assertTrue(!java.util.Arrays.equals(mainAlone.output(colourImage).data(), p.output(colourImage).data()),
                "the two networks differ, so the comparison above says which one ran");

        p.flipTta(true).coreThreshold(0.75f);
        assertEquals(0.75f, p.colourModel().coreThreshold(), "setters reach the colour model");
        colourAlone.flipTta(true).coreThreshold(0.75f);
        assertArrayEquals(colourAlone.segment(colourImage).data(), p.segment(colourImage).data());
    }

    @Test
    void aMissingOrMalformedColourModelIsABadModelFileNamingBoth(@TempDir Path dir) throws IOException {
        Module net = rgbDistanceNet(1);
        Map<String, String> meta = new LinkedHashMap<>(Map.of(Predictor.META_HEAD, "distance", Predictor.META_INPUT,
                NetworkInput.RGB_NAME, Predictor.META_COLOUR_MODEL, "absent.safetensors"));
        Path missing = saved(dir, "missing", net, meta);
        for (IOException e : new IOException[] {assertThrows(IOException.class, () -> Predictor.load(missing)),
                assertThrows(IOException.class, () -> Predictor.filesOf(missing))}) {
            assertTrue(e.getMessage().contains("missing.safetensors") && e.getMessage().contains("absent.safetensors"),
                    e.getMessage());
        }
        IOException e;

        meta.put(Predictor.META_COLOUR_MODEL, "../elsewhere.safetensors");
        Path outside = saved(dir, "outside", net, meta);
        e = assertThrows(IOException.class, () -> Predictor.load(outside));
        assertTrue(e.getMessage().contains("bad model metadata") && e.getMessage().contains("nucleon.colourModel"),
                e.getMessage());

        meta.put(Predictor.META_COLOUR_MODEL, "outside.safetensors"); // a colour model naming one of its own
        Path chain = saved(dir, "chain", net, meta);
        e = assertThrows(IOException.class, () -> Predictor.load(chain));
        assertTrue(e.getMessage().contains("outside.safetensors") && e.getMessage().contains("of its own"),
                e.getMessage());
        Predictor p = Predictor.load(saved(dir, "plain", net, Map.of(Predictor.META_HEAD, "distance",
                Predictor.META_INPUT, NetworkInput.RGB_NAME)));
        assertThrows(IllegalArgumentException.class, () -> p.colourModel(p));
    }

    private static Path saved(Path dir, String name, Module net, Map<String, String> meta) throws IOException {
        Path f = dir.resolve(name + ".safetensors");
        Checkpoint.save(f, net, meta);
        return f;
    }
}
