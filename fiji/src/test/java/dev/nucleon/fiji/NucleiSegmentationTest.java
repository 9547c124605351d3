package dev.nucleon.fiji;

import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.instance.NucleusMeasurement;
import dev.nucleon.segmentation.instance.RegionMeasurements;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.preprocess.Grayscale;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Roi;
import ij.io.FileSaver;
import ij.measure.Measurements;
import ij.measure.ResultsTable;
import ij.process.ImageStatistics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin's work, headless (no dialog, no window), on synthetic calibrated images, against what the command
 * line's path gives for the same pixels: the image saved by ImageJ as a TIFF, read back by Nucleon's own
 * {@link ImageFileReader}, segmented by {@link Predictor#segment} and measured by {@link RegionMeasurements}
 * (what {@code nucleon segment} writes to its per-nucleus CSV).
 */
class NucleiSegmentationTest {
    private static final double UM_PER_PX = 0.325;
    private static Predictor predictor;

    @BeforeAll
    static void loadModel() throws Exception {
        predictor = NucleiSegmentation.predictor(NucleiSegmentation.Options.defaults());
    }

    /** The command line's measurements of the image saved as a TIFF by ImageJ. */
    private static List<NucleusMeasurement> cliMeasurements(ImagePlus image, Path dir) throws Exception {
        Path tif = dir.resolve("nuclei.tif");
        assertTrue(new FileSaver(image).saveAsTiff(tif.toString()));
        var pixels = ImageFileReader.read(tif);
        LabelImage labels = predictor.segment(pixels);
        return RegionMeasurements.measure(labels, Grayscale.of(pixels));
    }

    @Test
    void roisAndAreasInSquareMicronsMatchTheCommandLine(@TempDir Path dir) throws Exception {
        ImagePlus image = SyntheticNuclei.calibrated(192, 7, UM_PER_PX);
        List<NucleusMeasurement> cli = cliMeasurements(image, dir);

        NucleiSegmentation.Result result = NucleiSegmentation.run(image, 1, predictor);

        assertTrue(cli.size() >= 20, "the synthetic image has 25 disks; the model found " + cli.size());
        assertEquals(cli.size(), result.rois().size(), "one ROI per nucleus of the command line's CSV");
        ResultsTable table = result.results();
        assertEquals(cli.size(), table.size());
        for (int i = 0; i < cli.size(); i++) {
            NucleusMeasurement m = cli.get(i);
            Roi roi = result.rois().get(i);
            assertEquals(Integer.toString(m.label()), roi.getName(), "ROI named with its label id");
            double expected = m.area() * UM_PER_PX * UM_PER_PX;
            image.setRoi(roi);
            ImageStatistics stats = image.getStatistics(Measurements.AREA);
            // ImageJ's own area of the traced ROI, in µm² through the image's calibration
            assertEquals(expected, stats.area, 1e-9 * expected, "ImageJ area of ROI " + roi.getName());
            assertEquals(m.area(), stats.pixelCount, "pixels inside ROI " + roi.getName());
            assertEquals(expected, table.getValue("Area", i), 1e-9 * expected, "Results area of " + roi.getName());
            assertEquals(m.label(), (int) table.getValue("Nucleus", i));
            assertEquals((m.centroidX() + 0.5) * UM_PER_PX, table.getValue("X", i), 1e-9);
            assertEquals(m.perimeter() * UM_PER_PX, table.getValue("Perimeter", i), 1e-9);
            // intensities in the image's own 16-bit values, the command line's in [0, 1]
            assertEquals(m.meanIntensity() * 65535, table.getValue("Mean", i), 1e-2 * 65535 * 1e-4);
        }
        image.deleteRoi();
        ImagePlus labels = result.labels();
        assertEquals(16, labels.getBitDepth());
        assertEquals(UM_PER_PX, labels.getCalibration().pixelWidth, 0);
        assertEquals("micron", labels.getCalibration().getUnit());
    }

    @Test
    void aStackIsSegmentedSliceBySlice() {
        ImageStack stack = new ImageStack(128, 128);
        stack.addSlice(SyntheticNuclei.disks(128, 1));
        stack.addSlice(SyntheticNuclei.noise(128, 2).createProcessor(128, 128)); // empty: all zeros
        stack.addSlice(SyntheticNuclei.disks(128, 3));
        ImagePlus image = new ImagePlus("stack", stack);

        NucleiSegmentation.Result result = NucleiSegmentation.run(image, 1, predictor);

        int[] perSlice = new int[4];
        for (Roi roi : result.rois()) {
            int slice = roi.getPosition();
            perSlice[slice]++;
            assertTrue(roi.getName().startsWith(slice + "-"), roi.getName());
        }
        for (int z = 1; z <= 3; z++) {
            int expected = predictor.segment(ImagePlanes.toFloatImage(stack.getProcessor(z))).countLabels();
            assertEquals(expected, perSlice[z], "nuclei of slice " + z);
        }
        assertTrue(perSlice[1] >= 6, "slice 1 has 9 disks, found " + perSlice[1]);
        assertEquals(0, perSlice[2], "the empty slice");
        assertEquals(3, result.labels().getStackSize());
        assertEquals(result.rois().size(), result.results().size());
        assertEquals(3, (int) result.results().getValue("Slice", result.results().size() - 1));
    }

    @Test
    void theChosenChannelOfAMultiChannelImageIsSegmented() {
        ImageStack stack = new ImageStack(128, 128);
        stack.addSlice(SyntheticNuclei.noise(128, 5)); // channel 1: noise
        stack.addSlice(SyntheticNuclei.disks(128, 6)); // channel 2: "DAPI"
        ImagePlus image = new ImagePlus("two channels", stack);
        image.setDimensions(2, 1, 1);

        NucleiSegmentation.Result dapi = NucleiSegmentation.run(image, 2, predictor);
        int alone = predictor.segment(ImagePlanes.toFloatImage(SyntheticNuclei.disks(128, 6))).countLabels();

        assertEquals(alone, dapi.rois().size(), "channel 2 segments as the DAPI plane alone");
        assertTrue(alone >= 6, "9 disks, found " + alone);
        assertEquals(1, dapi.labels().getStackSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NucleiSegmentation.run(image, 3, predictor));
        assertTrue(e.getMessage().contains("channel 3") && e.getMessage().contains("2 channels"), e.getMessage());
    }

    @Test
    void optionsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new NucleiSegmentation.Options("bundled", 1, 1.5, false));
        assertThrows(IllegalArgumentException.class, () -> new NucleiSegmentation.Options(" ", 1, 0.5, false));
        var e = assertThrows(java.io.IOException.class, () -> NucleiSegmentation.predictor(
                new NucleiSegmentation.Options("/no/such/model.safetensors", 1, Double.NaN, false)));
        assertTrue(e.getMessage().contains("/no/such/model.safetensors"), e.getMessage());
    }

    @Test
    void thresholdAndTtaReachThePredictor() throws Exception {
        Predictor tta = NucleiSegmentation.predictor(new NucleiSegmentation.Options("bundled", 1, 0.7, true));
        Predictor plain = NucleiSegmentation.predictor(NucleiSegmentation.Options.defaults());
        assertEquals(0.7f, tta.postProcessing().threshold());
        assertEquals(Predictor.DEFAULT_THRESHOLD, plain.postProcessing().threshold(), "the model's own");
        int side = 32, c = plain.inputChannels(), k = plain.head().channels();
        float[] x = new float[c * side * side];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        // TTA on: the mean over the four flips of the plain network's output on the flipped input
        float[] expected = new float[k * side * side];
        for (int f = 0; f < 4; f++) {
            boolean fx = (f & 1) != 0, fy = (f & 2) != 0;
            float[] y = flip(plain.forwardTiles(flip(x, c, side, fx, fy), 1, side), k, side, fx, fy);
            for (int i = 0; i < y.length; i++) {
                expected[i] += y[i] / 4;
            }
        }
        float[] got = tta.forwardTiles(x, 1, side), once = plain.forwardTiles(x, 1, side);
        double diffToPlain = 0;
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 1e-4, "TTA output " + i);
            diffToPlain = Math.max(diffToPlain, Math.abs(got[i] - once[i]));
        }
        assertTrue(diffToPlain > 1e-3, "TTA differs from one pass on a random input: " + diffToPlain);
    }

    private static float[] flip(float[] a, int planes, int side, boolean fx, boolean fy) {
        float[] out = new float[a.length];
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int sx = fx ? side - 1 - x : x, sy = fy ? side - 1 - y : y;
                    out[p * side * side + y * side + x] = a[p * side * side + sy * side + sx];
                }
            }
        }
        return out;
    }

    @Test
    void thePluginIsRegisteredUnderPluginsNucleon() throws Exception {
        try (var in = NucleiSegmentation.class.getResourceAsStream("/plugins.config")) {
            String config = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(config.contains("Plugins>Nucleon, \"Segment Nuclei\", " + SegmentNucleiPlugin.class.getName()),
                    config);
        }
    }
}
