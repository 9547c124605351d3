package dev.nucleon.segmentation.output;

import dev.nucleon.segmentation.inference.ImageFileSegmentation;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.roi.GeoJsonDetections;
import dev.nucleon.segmentation.roi.ImageJRoiZip;
import dev.nucleon.segmentation.roi.Outline;
import dev.nucleon.segmentation.roi.OutlineTracing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files one image gives in a run's output folder, under its output name ({@link OutputNames}), and writing
 * them: {@code <name>_labels.png} (16-bit instance labels; {@code <name>_labels.tif} with {@code tiffLabels} or past
 * 65,535 nuclei), {@code <name>_overlay.png} (outlines on the image), {@code <name>_nuclei.csv} (measurements); with
 * {@code rois} an ImageJ ROI set {@code <name>_rois.zip}, with {@code geojson} QuPath detections
 * {@code <name>.geojson}. Every file is written atomically.
 *
 * @param tiffLabels write the label map as TIFF ({@code --label-format tiff})
 * @param rois       also write the ImageJ ROI set ({@code --save-rois})
 * @param geojson    also write the QuPath detections ({@code --geojson})
 */
public record ImageOutputFiles(boolean tiffLabels, boolean rois, boolean geojson) {
    /** The endings of every file an image may give: what shows that a folder holds a run's results. */
    public static final List<String> SUFFIXES = List.of("_labels.png", "_overlay.png", "_nuclei.csv", "_labels.tif",
            "_rois.zip", ".geojson");

    /**
     * What one image gave.
     *
     * @param result the segmentation (measurements, label map, calibration)
     * @param files  the files written, relative to the output folder, '/'-separated: labels, overlay, measurements,
     *               then the ROI set and the detections when asked for
     */
    public record Written(ImageFileSegmentation.Result result, List<String> files) {
    }

    /**
     * The files an image named {@code name} may give, relative to the output folder: labels, overlay, measurements
     * first, then the label map's other spelling and the optional outputs (all of them: what to remove after a
     * failure).
     *
     * @param name the image's output name
     * @return the relative file names
     */
    public List<String> possibleFiles(String name) {
        List<String> files = new ArrayList<>(List.of(name + (tiffLabels ? "_labels.tif" : "_labels.png"),
                name + "_overlay.png", name + "_nuclei.csv", name + "_labels.tif"));
        if (rois) {
            files.add(name + "_rois.zip");
        }
        if (geojson) {
            files.add(name + ".geojson");
        }
        return files;
    }

    /**
     * Whether a file name is one an image of a run gives ({@link #SUFFIXES}).
     *
     * @param fileName a file's name
     * @return true when it ends as an output does
     */
    public static boolean isOutput(String fileName) {
        return SUFFIXES.stream().anyMatch(fileName::endsWith);
    }

    /**
     * Segments one image file and writes its files under {@code out} ({@link ImageFileSegmentation#run}: the
     * header checked first, big images streamed; then the outlines traced for the ROI set and detections).
     *
     * @param predictor the model and its settings
     * @param file      the image file
     * @param read      which plane, which unit, which name in the measurements (its label format is replaced by
     *                  this record's)
     * @param out       the output folder; the image's subfolders must exist
     * @param name      the image's output name
     * @return what the image gave
     * @throws IOException when the image cannot be read or segmented, or a file cannot be written
     */
    public Written write(Predictor predictor, Path file, ImageFileSegmentation.Settings read, Path out, String name)
            throws IOException {
        ImageFileSegmentation.Settings settings = new ImageFileSegmentation.Settings(read.channel(), read.page(),
                read.micronsPerPixel(), read.image(), tiffLabels);
        ImageFileSegmentation.Result r = ImageFileSegmentation.run(predictor, file, settings,
                out.resolve(name + "_labels.png"), out.resolve(name + "_overlay.png"),
                out.resolve(name + "_nuclei.csv"));
        // big images stream; > 65,535 nuclei or tiffLabels: .tif
        List<String> written = new ArrayList<>(List.of(out.relativize(r.labelsFile()).toString().replace('\\', '/'),
                name + "_overlay.png", name + "_nuclei.csv"));
        if (rois || geojson) {
            List<Outline> outlines = OutlineTracing.trace(r.labels());
            if (rois) {
                ImageJRoiZip.write(outlines, out.resolve(name + "_rois.zip"));
                written.add(name + "_rois.zip");
            }
            if (geojson) {
                GeoJsonDetections.write(outlines, r.nuclei(), r.micronsPerPixel(), out.resolve(name + ".geojson"));
                written.add(name + ".geojson");
            }
        }
        return new Written(r, written);
    }
}
