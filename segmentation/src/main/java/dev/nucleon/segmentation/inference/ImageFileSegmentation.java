package dev.nucleon.segmentation.inference;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.instance.MeasurementsCsv;
import dev.nucleon.segmentation.instance.NucleusMeasurement;
import dev.nucleon.segmentation.instance.RegionMeasurements;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.io.ImageFileWriter;
import dev.nucleon.segmentation.io.ImageHeader;
import dev.nucleon.segmentation.io.Overlay;
import dev.nucleon.segmentation.preprocess.Grayscale;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One image file to its outputs — label map, overlay, per-nucleus measurements — the way {@code nucleon segment}
 * does it: the header is read first ({@link ImageFileReader#probe}); an image above
 * {@link StreamedSegmentation#STREAM_ABOVE_PIXELS} is streamed ({@link StreamedSegmentation}), and so is a smaller
 * 8- or 16-bit one whose whole-image run would not fit the heap; the others are decoded whole and run through
 * {@link Predictor#segment}; either way an image the heap cannot hold is refused
 * before decoding with the memory it would need, and a label map with more than 65,535 nuclei is written as a
 * 32-bit TIFF ({@link ImageFileWriter#writeLabelsFitting}).
 */
public final class ImageFileSegmentation {
    private ImageFileSegmentation() {
    }

    /**
     * What one image gave.
     *
     * @param nuclei     the measurements written
     * @param labelsFile the label map written (a .tif beside the asked name past 65,535 nuclei)
     * @param labels     the label map (drop it when done: a 20000 × 20000 map is 1.6 GB)
     * @param streamed   whether the image was streamed
     */
    public record Result(List<NucleusMeasurement> nuclei, Path labelsFile, LabelImage labels, boolean streamed) {
    }

    /**
     * Whether an image of this header is streamed: above {@link StreamedSegmentation#STREAM_ABOVE_PIXELS}, or the
     * value of the system property {@code nucleon.streamAbovePixels} when set.
     */
    public static boolean streams(ImageHeader header) {
        String limit = System.getProperty("nucleon.streamAbovePixels");
        return limit == null ? StreamedSegmentation.streams(header) : header.pixels() > Long.parseLong(limit.trim());
    }

    /** Segments {@code file} and writes its label map, overlay and measurements to the given files. */
    public static Result run(Predictor predictor, Path file, Path labelsFile, Path overlayFile, Path measurementsFile)
            throws IOException {
        ImageHeader header = ImageFileReader.probe(file);
        long heap = Runtime.getRuntime().maxMemory();
        boolean streamable = !header.floatSamples() && (header.bits() == 8 || header.bits() == 16);
        if (streams(header) || (streamable && StreamedSegmentation.wholeImageBytes(header) > heap)) {
            StreamedSegmentation.Result r = StreamedSegmentation.segmentFile(predictor, file, labelsFile, overlayFile,
                    measurementsFile);
            return new Result(r.nuclei(), r.labelsFile(), r.labels(), true);
        }
        StreamedSegmentation.checkFits(file, header, StreamedSegmentation.wholeImageBytes(header));
        FloatImage image = ImageFileReader.read(file);
        LabelImage labels = predictor.segment(image);
        List<NucleusMeasurement> rows = RegionMeasurements.measure(labels, Grayscale.of(image));
        Path written = ImageFileWriter.writeLabelsFitting(labels, labelsFile);
        Overlay.write(image, labels, overlayFile);
        MeasurementsCsv.write(rows, measurementsFile);
        return new Result(rows, written, labels, false);
    }
}
