package dev.nucleon.spark;

import dev.nucleon.segmentation.inference.ImageFileSegmentation;
import dev.nucleon.segmentation.inference.Predictor;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every task of a {@code segment-spark} job needs to segment an image exactly as {@code nucleon segment} would
 * with the same options; shipped to the executors with each task (a few hundred bytes).
 *
 * @param model      the model file's name as the executors see it ({@link org.apache.spark.SparkFiles#get}: the
 *                   driver ships it with {@code SparkContext.addFile}), or null for the bundled model
 * @param threshold  {@code --threshold}, or null for the model file's
 * @param minSize    {@code --min-size} in pixels, or null for the predictor's
 * @param tta        {@code --tta}: flip test-time augmentation
 * @param diameter   {@code --diameter} in pixels (0: never rescale), or null to estimate per image
 * @param tile       {@code --tile}: the side of the tiles the network sees (blended with the CLI's default overlap)
 * @param pixelSize  {@code --pixel-size} in µm, or null for the files' own calibration
 * @param channel    {@code --channel}, or null
 * @param page       {@code --page}, or null
 * @param tiffLabels {@code --label-format tiff}
 */
public record JobSettings(String model, Float threshold, Integer minSize, boolean tta, Double diameter, int tile,
        Double pixelSize, Integer channel, Integer page, boolean tiffLabels) implements Serializable {

    /** The CLI's defaults: bundled model, 256-pixel tiles, PNG labels, nothing else set. */
    public static JobSettings defaults() {
        return new JobSettings(null, null, null, false, null, 256, null, null, null, false);
    }

    /**
     * A predictor configured as {@code nucleon segment} configures it for these options.
     *
     * @param modelFile the model file on this machine, or null for the bundled model
     * @return a new predictor (loads the model: seconds, tens of MB)
     * @throws IOException when the model cannot be read
     */
    Predictor newPredictor(Path modelFile) throws IOException {
        Predictor p = modelFile == null ? Predictor.bundled() : Predictor.load(modelFile);
        p.blendedTiles(tile, Predictor.DEFAULT_OVERLAP);
        if (diameter != null) {
            p.diameter(diameter);
        }
        if (threshold != null) {
            p.postProcessing(p.postProcessing().withThreshold(threshold));
        }
        p.flipTta(tta);
        if (minSize != null) {
            p.postProcessing(p.postProcessing().withMinObjectArea(minSize));
        }
        return p;
    }

    /**
     * How one image file is read and measured, as the CLI reads it.
     *
     * @param image the image's name in the measurements' {@code image} column (the input path as given)
     * @return the settings
     */
    ImageFileSegmentation.Settings fileSettings(String image) {
        return new ImageFileSegmentation.Settings(channel, page, pixelSize == null ? Double.NaN : pixelSize, image,
                tiffLabels);
    }

    /** The label map's file name suffix. */
    String labelsSuffix() {
        return tiffLabels ? "_labels.tif" : "_labels.png";
    }

    /**
     * The options as the run manifest records them (the CLI's names where the CLI has the option).
     *
     * @param modelGiven the model as given on the command line, or null for the bundled one
     */
    Map<String, Object> manifestOptions(String modelGiven) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", modelGiven == null ? "bundled" : modelGiven);
        o.put("threshold", threshold == null ? null : Double.valueOf(threshold.toString()));
        o.put("min_size", minSize);
        o.put("tta", tta);
        o.put("diameter", diameter);
        o.put("tile", tile);
        o.put("overlap", Predictor.DEFAULT_OVERLAP);
        o.put("channel", channel);
        o.put("page", page);
        o.put("pixel_size", pixelSize);
        o.put("label_format", tiffLabels ? "tiff" : "png");
        return o;
    }
}
