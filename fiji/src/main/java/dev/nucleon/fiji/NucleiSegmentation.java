package dev.nucleon.fiji;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.instance.NucleusMeasurement;
import dev.nucleon.segmentation.instance.RegionMeasurements;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Roi;
import ij.measure.Calibration;
import ij.measure.ResultsTable;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.LUT;
import ij.process.ShortProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The work of {@code Plugins > Nucleon > Segment Nuclei}, without any dialog or window, so it runs headless
 * and in tests: every plane of one channel of an {@link ImagePlus} (each slice and frame of a stack, one after
 * the other) through a Nucleon {@link Predictor}, giving
 * <ul>
 *   <li>a label image (16-bit, or 32-bit past 65,535 nuclei in a plane) of the same slices and frames, with the
 *       image's calibration; labels start at 1 in every plane;</li>
 *   <li>one ROI per nucleus ({@link LabelTracing}), named with its label id ({@code "slice-label"}, e.g.
 *       {@code "3-12"}, in a stack), positioned on its slice/frame;</li>
 *   <li>a Results table, one row per nucleus: Nucleon's measurements (those of {@code nucleon segment}'s CSV)
 *       in the image's calibrated units: Area in unit², X, Y (centroid, ImageJ's pixel-centre convention:
 *       pixel x spans [x, x+1)), Perimeter (scikit-image's estimator) and EquivDiameter in unit, Circularity,
 *       Mean and Max of the raw pixel values of the segmented channel.</li>
 * </ul>
 * Non-square pixels: areas use width × height of a pixel; lengths (perimeter, diameter) use their geometric
 * mean, an approximation.
 */
public final class NucleiSegmentation {
    /** The model choice that means the model bundled in the jar. */
    public static final String BUNDLED = "bundled";

    /**
     * What to run.
     *
     * @param model     a model file (.safetensors written by {@code nucleon train}) or {@link #BUNDLED}
     * @param channel   the channel to segment, 1-based (ignored for a one-channel image; RGB images use colour)
     * @param threshold nucleus probability threshold in (0, 1), or NaN for the model's own
     * @param tta       flip test-time augmentation (4 passes per tile, the mean taken)
     */
    public record Options(String model, int channel, double threshold, boolean tta) {
        public Options {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("model: give a model file or '" + BUNDLED + "'");
            }
            if (!Double.isNaN(threshold) && !(threshold > 0 && threshold < 1)) {
                throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
            }
        }

        /** The bundled model, channel 1, its own threshold, no TTA. */
        public static Options defaults() {
            return new Options(BUNDLED, 1, Double.NaN, false);
        }
    }

    /**
     * What a run gave.
     *
     * @param labels  the label image (slices × frames planes)
     * @param rois    one per nucleus, in plane order then label order
     * @param results one row per nucleus, in the same order as {@code rois}
     */
    public record Result(ImagePlus labels, List<Roi> rois, ResultsTable results) {
    }

    private NucleiSegmentation() {
    }

    /**
     * Loads the predictor {@code options} names, with its threshold and TTA set.
     *
     * @throws IOException when the model file cannot be read (the message names it)
     */
    public static Predictor predictor(Options options) throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Nucleon finds its network builders through ServiceLoader on the context class loader; in Fiji that
        // loader may not see the plugin jar
        thread.setContextClassLoader(NucleiSegmentation.class.getClassLoader());
        try {
            Predictor p;
            if (BUNDLED.equalsIgnoreCase(options.model().trim())) {
                p = Predictor.bundled();
            } else {
                Path file = Path.of(options.model().trim());
                if (!Files.isRegularFile(file)) {
                    throw new IOException(file + ": no such model file");
                }
                p = Predictor.load(file);
            }
            if (!Double.isNaN(options.threshold())) {
                p.postProcessing(p.postProcessing().withThreshold((float) options.threshold()));
            }
            return p.flipTta(options.tta());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Segments every plane of {@code options.channel()} of {@code image} with the model {@code options} names. */
    public static Result run(ImagePlus image, Options options) throws IOException {
        return run(image, options.channel(), predictor(options));
    }

    /**
     * Segments every slice and frame of channel {@code channel} (1-based) of {@code image} with {@code predictor};
     * reports progress through {@link IJ#showProgress(int, int)}.
     *
     * @throws IllegalArgumentException when the channel is outside the image
     */
    public static Result run(ImagePlus image, int channel, Predictor predictor) {
        int channels = image.getNChannels(), slices = image.getNSlices(), frames = image.getNFrames();
        int c = channels == 1 ? 1 : channel;
        if (c < 1 || c > channels) {
            throw new IllegalArgumentException(image.getTitle() + ": channel " + channel + " is out of range, the "
                    + "image has " + channels + " channels");
        }
        Calibration cal = image.getCalibration();
        double pw = cal.pixelWidth, ph = cal.pixelHeight, length = Math.sqrt(pw * ph);
        boolean stack = slices * frames > 1;
        ImageStack labelStack = new ImageStack(image.getWidth(), image.getHeight());
        List<Roi> rois = new ArrayList<>();
        ResultsTable table = new ResultsTable();
        int planes = slices * frames, done = 0, maxLabel = 0;
        for (int t = 1; t <= frames; t++) {
            for (int z = 1; z <= slices; z++) {
                ImageProcessor ip = ImagePlanes.plane(image, c, z, t);
                LabelImage labels = predictor.segment(ImagePlanes.toFloatImage(ip));
                FloatImage intensity = ImagePlanes.rawIntensity(ip);
                List<NucleusMeasurement> nuclei = RegionMeasurements.measure(labels, intensity);
                int plane = (t - 1) * slices + z;
                maxLabel = Math.max(maxLabel, labels.maxLabel());
                labelStack.addSlice(stack ? "z" + z + " t" + t : null, labelProcessor(labels));
                for (NucleusMeasurement m : nuclei) {
                    Roi roi = LabelTracing.trace(labels, m);
                    String name = stack ? plane + "-" + m.label() : Integer.toString(m.label());
                    roi.setName(name);
                    if (image.isHyperStack()) {
                        roi.setPosition(0, z, t);
                    } else if (stack) {
                        roi.setPosition(plane);
                    }
                    rois.add(roi);
                    table.incrementCounter();
                    table.addLabel(name);
                    table.addValue("Nucleus", m.label());
                    if (stack) {
                        table.addValue("Slice", z);
                        table.addValue("Frame", t);
                    }
                    table.addValue("Area", m.area() * pw * ph);
                    table.addValue("X", cal.getX(m.centroidX() + 0.5));
                    table.addValue("Y", cal.getY(m.centroidY() + 0.5, image.getHeight()));
                    table.addValue("Perimeter", m.perimeter() * length);
                    table.addValue("EquivDiameter", m.equivalentDiameter() * length);
                    table.addValue("Circularity", m.circularity());
                    table.addValue("Mean", m.meanIntensity());
                    table.addValue("Max", m.maxIntensity());
                }
                IJ.showProgress(++done, planes);
            }
        }
        ImagePlus labelImage = new ImagePlus(titleWithout(image.getTitle()) + "-labels", labelStack);
        if (stack) {
            labelImage.setDimensions(1, slices, frames);
            labelImage.setOpenAsHyperStack(slices > 1 && frames > 1);
        }
        labelImage.setCalibration(cal.copy());
        colour(labelImage, maxLabel);
        return new Result(labelImage, rois, table);
    }

    /** The labels as an ImageJ plane: 16-bit when they fit, else 32-bit. */
    static ImageProcessor labelProcessor(LabelImage labels) {
        int w = labels.width(), h = labels.height();
        int[] l = labels.data();
        if (labels.maxLabel() <= 65535) {
            short[] s = new short[l.length];
            for (int i = 0; i < l.length; i++) {
                s[i] = (short) l[i];
            }
            return new ShortProcessor(w, h, s, null);
        }
        float[] f = new float[l.length];
        for (int i = 0; i < l.length; i++) {
            f[i] = l[i];
        }
        return new FloatProcessor(w, h, f);
    }

    /**
     * A colour per label (a fixed pseudo-random LUT, background black); display range 0–255, or 0 to the largest
     * label past 255 (where neighbouring labels may then share a colour).
     */
    private static void colour(ImagePlus labels, int maxLabel) {
        byte[] r = new byte[256], g = new byte[256], b = new byte[256];
        java.util.Random random = new java.util.Random(42);
        for (int i = 1; i < 256; i++) {
            r[i] = (byte) (64 + random.nextInt(192));
            g[i] = (byte) (64 + random.nextInt(192));
            b[i] = (byte) (64 + random.nextInt(192));
        }
        labels.getProcessor().setLut(new LUT(r, g, b));
        labels.setDisplayRange(0, Math.max(255, maxLabel));
    }

    private static String titleWithout(String title) {
        int dot = title.lastIndexOf('.');
        return dot > 0 ? title.substring(0, dot) : title;
    }
}
