package dev.nucleon.segmentation.inference;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.instance.MeasurementsCsv;
import dev.nucleon.segmentation.instance.NucleusMeasurement;
import dev.nucleon.segmentation.instance.RegionMeasurements;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.io.ImageFileWriter;
import dev.nucleon.segmentation.io.ImageHeader;
import dev.nucleon.segmentation.io.ImagePlane;
import dev.nucleon.segmentation.io.Overlay;
import dev.nucleon.segmentation.preprocess.Grayscale;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One image file to its outputs — label map, overlay, per-nucleus measurements — the way {@code nucleon segment}
 * does it: the header is read first ({@link ImageFileReader#probe}); an image above
 * 4096 × 4096 pixels is streamed (read, converted, predicted and labelled band by band), and so is a smaller
 * 8- or 16-bit one whose whole-image run would not fit the heap; the others are decoded whole and run through
 * {@link Predictor#segment}; either way an image the heap cannot hold is refused
 * before decoding with the memory it would need, and a label map with more than 65,535 nuclei is written as a
 * 32-bit TIFF ({@link ImageFileWriter#writeLabelsFitting}). Which channel and page of the file is segmented, and in
 * which unit it is measured, the {@link Settings} say.
 */
public final class ImageFileSegmentation {
    private ImageFileSegmentation() {
    }

    /**
     * How an image file is read and measured.
     *
     * @param channel         the channel to segment (0-based), or null when the file holds one ({@link ImagePlane})
     * @param page            the page (stack position, 0-based), or null when the file holds one
     * @param micronsPerPixel the pixel width in µm, overriding the file's calibration; NaN to use the file's
     * @param image           the image's name in the measurements' {@code image} column
     * @param tiffLabels      write the label map as TIFF (the labels file's extension is then .tif)
     */
    public record Settings(Integer channel, Integer page, double micronsPerPixel, String image, boolean tiffLabels) {
        /**
         * The defaults: one channel and page expected, the file's calibration, PNG labels.
         *
         * @param image the image's name in the measurements
         * @return the settings
         */
        public static Settings of(String image) {
            return new Settings(null, null, Double.NaN, image, false);
        }
    }

    /**
     * What one image gave.
     *
     * @param nuclei          the measurements written
     * @param labelsFile      the label map written (a .tif beside the asked name past 65,535 nuclei)
     * @param labels          the label map (drop it when done: a 20000 × 20000 map is 1.6 GB)
     * @param streamed        whether the image was streamed
     * @param micronsPerPixel the pixel width the measurements were written in, NaN when in pixels
     */
    public record Result(List<NucleusMeasurement> nuclei, Path labelsFile, LabelImage labels, boolean streamed,
                         double micronsPerPixel) {
    }

    /**
     * Whether an image of this header is streamed: above 4096 × 4096 pixels, or above the value of the system
     * property {@code nucleon.streamAbovePixels} when set.
     *
     * @param header the image file's header ({@link ImageFileReader#probe})
     * @return true when {@link #run} streams it
     */
    public static boolean streams(ImageHeader header) {
        String limit = System.getProperty("nucleon.streamAbovePixels");
        return limit == null ? StreamedSegmentation.streams(header) : header.pixels() > Long.parseLong(limit.trim());
    }

    /**
     * Segments {@code file} with the defaults ({@link Settings#of}, named by the file) and writes its outputs.
     *
     * @param predictor        the model and its settings
     * @param file             the image file
     * @param labelsFile       where the label map goes
     * @param overlayFile      where the overlay goes
     * @param measurementsFile where the measurements go
     * @return what the image gave
     * @throws IOException when the image cannot be read or segmented, or an output cannot be written
     */
    public static Result run(Predictor predictor, Path file, Path labelsFile, Path overlayFile, Path measurementsFile)
            throws IOException {
        return run(predictor, file, Settings.of(file.toString()), labelsFile, overlayFile, measurementsFile);
    }

    /**
     * Segments the plane of {@code file} the settings choose and writes its label map, overlay and measurements to
     * the given files. A file holding several channels or pages without them chosen, or a choice out of range, is
     * refused before decoding ({@link ImagePlane#choose}).
     *
     * @param predictor        the model and its settings
     * @param file             the image file
     * @param settings         which plane, which unit, which name, which label format
     * @param labelsFile       where the label map goes ({@code .tif} instead with {@link Settings#tiffLabels})
     * @param overlayFile      where the overlay goes
     * @param measurementsFile where the measurements go
     * @return what the image gave
     * @throws IOException when the image cannot be read or segmented, or an output cannot be written
     */
    public static Result run(Predictor predictor, Path file, Settings settings, Path labelsFile, Path overlayFile,
            Path measurementsFile) throws IOException {
        ImageHeader first = ImageFileReader.probe(file);
        ImagePlane plane = ImagePlane.choose(file, first, settings.channel(), settings.page());
        ImageHeader header = plane.page() == 0 ? first : ImageFileReader.probe(file, plane.page());
        double microns = MeasurementsCsv.calibrated(settings.micronsPerPixel()) ? settings.micronsPerPixel()
                : first.micronsPerPixel();
        // one sample of several is decoded with the others, then used alone: the header's memory estimates hold
        if (settings.tiffLabels()) {
            String name = labelsFile.getFileName().toString();
            int dot = name.lastIndexOf('.');
            labelsFile = labelsFile.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".tif");
        }
        long heap = Runtime.getRuntime().maxMemory();
        boolean streamable = !header.floatSamples() && (header.bits() == 8 || header.bits() == 16);
        if (streams(header) || (streamable && StreamedSegmentation.wholeImageBytes(header) > heap)) {
            if (predictor.isDetector()) {
                throw new dev.nucleon.segmentation.io.ImageFileException(file, header.pixels() + " px are streamed in"
                        + " tiles, and a detector (mask-rcnn) model segments whole images only");
            }
            StreamedSegmentation.Result r = StreamedSegmentation.segmentFile(predictor, file, plane, settings.image(),
                    microns, labelsFile, overlayFile, measurementsFile);
            return new Result(r.nuclei(), r.labelsFile(), r.labels(), true, microns);
        }
        StreamedSegmentation.checkFits(file, header, StreamedSegmentation.wholeImageBytes(header));
        FloatImage image = ImageFileReader.read(file, plane);
        LabelImage labels = predictor.segment(image);
        List<NucleusMeasurement> rows = RegionMeasurements.measure(labels, Grayscale.of(image));
        Path written = ImageFileWriter.writeLabelsFitting(labels, labelsFile);
        Overlay.write(image, labels, overlayFile);
        MeasurementsCsv.write(settings.image(), rows, microns, measurementsFile);
        return new Result(rows, written, labels, false, microns);
    }
}
