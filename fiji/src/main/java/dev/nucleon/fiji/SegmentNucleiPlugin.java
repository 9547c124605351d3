package dev.nucleon.fiji;

import dev.nucleon.segmentation.inference.Predictor;
import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.gui.Roi;
import ij.plugin.PlugIn;
import ij.plugin.frame.RoiManager;

import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.util.Locale;

/**
 * {@code Plugins > Nucleon > Segment Nuclei} (registered by {@code plugins.config} in the jar): a dialog, then
 * {@link NucleiSegmentation} on the current image, then the results shown — the ROI Manager filled (one ROI per
 * nucleus, named with its label id), the label image and a Results table ("Nucleon nuclei") in calibrated
 * units.
 *
 * <p>The dialog's options are read through {@link GenericDialog}, so the Macro Recorder records the command and
 * a macro replays it without the dialog, e.g.
 * {@code run("Segment Nuclei", "model=bundled file=[] channel=2 threshold=0.50 tta");}.
 * Dialog fields: model ("bundled", or "file" for the .safetensors file written by {@code nucleon train} that the
 * file field names), channel (only for multi-channel images), threshold (nucleus probability; 0, the default,
 * keeps the model's own), TTA (flip test-time augmentation: four passes, about 4× slower).
 */
public final class SegmentNucleiPlugin implements PlugIn {
    /** The title of the Results table the plugin shows. */
    public static final String RESULTS_TITLE = "Nucleon nuclei";

    private static final String[] MODELS = {NucleiSegmentation.BUNDLED, "file"};

    @Override
    public void run(String arg) {
        ImagePlus image = WindowManager.getCurrentImage();
        if (image == null) {
            IJ.noImage();
            return;
        }
        if (image.getBitDepth() == 24 && image.getNChannels() > 1) {
            IJ.error("Nucleon", image.getTitle() + ": an RGB image with several channels is not supported");
            return;
        }
        NucleiSegmentation.Options options = ask(image);
        if (options == null) {
            return; // cancelled or bad input, already said
        }
        long start = System.nanoTime();
        try {
            IJ.showStatus("Nucleon: loading the model ...");
            Predictor predictor = NucleiSegmentation.predictor(options);
            IJ.showStatus("Nucleon: segmenting " + image.getTitle() + " ...");
            NucleiSegmentation.Result result = NucleiSegmentation.run(image, options.channel(), predictor);
            show(image, result);
            IJ.showStatus(String.format(Locale.ROOT, "Nucleon: %d nuclei in %.1f s", result.rois().size(),
                    (System.nanoTime() - start) / 1e9));
        } catch (IOException | RuntimeException e) {
            IJ.showProgress(1.0);
            IJ.error("Nucleon", e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** The dialog; null when cancelled or when a value is invalid (the user has been told). */
    static NucleiSegmentation.Options ask(ImagePlus image) {
        GenericDialog gd = new GenericDialog("Nucleon: Segment Nuclei");
        gd.addChoice("Model", MODELS, MODELS[0]);
        gd.addFileField("File", ""); // the model file when Model is "file" (macro key: file)
        int channels = image.getNChannels();
        if (channels > 1) {
            gd.addSlider("Channel", 1, channels, image.getC());
        }
        gd.addNumericField("Threshold", 0, 2, 6, "(nucleus probability; 0 = the model's own, "
                + Predictor.DEFAULT_THRESHOLD + " for the bundled one)");
        gd.addCheckbox("TTA (flip test-time augmentation, 4x slower)", false);
        gd.addMessage("Image: " + describe(image));
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        boolean file = gd.getNextChoiceIndex() == 1;
        String path = gd.getNextString().trim();
        int channel = channels > 1 ? (int) gd.getNextNumber() : 1;
        double threshold = gd.getNextNumber();
        if (threshold == 0) {
            threshold = Double.NaN; // the model's own
        }
        boolean tta = gd.getNextBoolean();
        if (file && path.isEmpty()) {
            IJ.error("Nucleon", "Model is 'file' but no model file is given");
            return null;
        }
        try {
            return new NucleiSegmentation.Options(file ? path : NucleiSegmentation.BUNDLED, channel, threshold, tta);
        } catch (IllegalArgumentException e) {
            IJ.error("Nucleon", e.getMessage());
            return null;
        }
    }

    private static String describe(ImagePlus image) {
        String unit = image.getCalibration().scaled()
                ? String.format(Locale.ROOT, "%.4g %s/px", image.getCalibration().pixelWidth,
                        image.getCalibration().getUnit())
                : "uncalibrated (px)";
        return String.format(Locale.ROOT, "%dx%d, %d-bit, %d ch, %d slices, %d frames, %s", image.getWidth(),
                image.getHeight(), image.getBitDepth(), image.getNChannels(), image.getNSlices(), image.getNFrames(),
                unit);
    }

    /** Shows the label image, fills the ROI Manager (not headless) and shows the Results table. */
    static void show(ImagePlus image, NucleiSegmentation.Result result) {
        result.labels().show();
        if (!GraphicsEnvironment.isHeadless()) {
            RoiManager manager = RoiManager.getRoiManager();
            manager.reset();
            for (Roi roi : result.rois()) {
                manager.add(image, roi, -1);
            }
            manager.runCommand(image, "Show All");
        }
        result.results().show(RESULTS_TITLE);
    }
}
