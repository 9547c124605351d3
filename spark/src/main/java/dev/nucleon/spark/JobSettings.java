package dev.nucleon.spark;

import dev.nucleon.core.Device;
import dev.nucleon.segmentation.inference.ImageFileSegmentation;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.instance.PostProcessing;
import dev.nucleon.segmentation.output.ImageOutputFiles;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every task of a {@code segment-spark} job needs to segment an image exactly as {@code nucleon segment} would
 * with the same options; shipped to the executors with each task (a few hundred bytes).
 *
 * @param model         the model file's name as the executors see it ({@link org.apache.spark.SparkFiles#get}: the
 *                      driver ships it with {@code SparkContext.addFile}), or null for the bundled model
 * @param threshold     {@code --threshold}, or null for the model file's
 * @param coreThreshold {@code --core-threshold} (two-channel heads), or null for the predictor's
 * @param post          {@code --post} ({@link PostProcessing#parse}), or null for the model file's
 * @param minSize       {@code --min-size} in pixels, or null for the predictor's
 * @param tta           {@code --tta}: flip test-time augmentation
 * @param diameter      {@code --diameter} in pixels (0: never rescale), or null to estimate per image
 * @param tile          {@code --tile}: the side of the tiles the network sees
 * @param overlap       {@code --overlap}: blended tiles' overlap in pixels (null: {@link Predictor#DEFAULT_OVERLAP},
 *                      or core tiles when {@code tileMargin} is set)
 * @param tileMargin    {@code --tile-margin}: core tiles with this much context, or null for blended tiles
 * @param pixelSize     {@code --pixel-size} in µm, or null for the files' own calibration
 * @param channel       {@code --channel}, or null
 * @param page          {@code --page}, or null
 * @param tiffLabels    {@code --label-format tiff}
 * @param saveRois      {@code --save-rois}: an ImageJ ROI set per image
 * @param geojson       {@code --geojson}: QuPath detections per image
 */
public record JobSettings(String model, Float threshold, Float coreThreshold, String post, Integer minSize,
        boolean tta, Double diameter, int tile, Integer overlap, Integer tileMargin, Double pixelSize,
        Integer channel, Integer page, boolean tiffLabels, boolean saveRois, boolean geojson) implements Serializable {

    /** The CLI's defaults: bundled model, 256-pixel blended tiles, PNG labels, nothing else set. */
    public static JobSettings defaults() {
        return new JobSettings(null, null, null, null, null, false, null, 256, null, null, null, null, null, false,
                false, false);
    }

    /**
     * These settings with the model file the executors load.
     *
     * @param executorModel the model file's name as the executors see it, or null for the bundled model
     * @return the settings
     */
    JobSettings withModel(String executorModel) {
        return new JobSettings(executorModel, threshold, coreThreshold, post, minSize, tta, diameter, tile, overlap,
                tileMargin, pixelSize, channel, page, tiffLabels, saveRois, geojson);
    }

    /** The blended tiles' overlap: {@code --overlap}, else the default. */
    int overlapOrDefault() {
        return overlap != null ? overlap : Predictor.DEFAULT_OVERLAP;
    }

    /**
     * A predictor configured as {@code nucleon segment} configures it for these options, in the CLI's order
     * (tiling, diameter, threshold, core threshold, instance step; device, TTA; minimum size).
     *
     * @param modelFile the model file on this machine, or null for the bundled model
     * @return a new predictor (loads the model: seconds, tens of MB)
     * @throws IOException when the model cannot be read
     */
    Predictor newPredictor(Path modelFile) throws IOException {
        Predictor p = modelFile == null ? Predictor.bundled() : Predictor.load(modelFile);
        return configure(p);
    }

    /** Sets these options on {@code p} (see {@link #newPredictor}). */
    Predictor configure(Predictor p) {
        if (tileMargin != null) {
            p.tiles(tile, tileMargin);
        } else {
            p.blendedTiles(tile, overlapOrDefault());
        }
        if (diameter != null) {
            p.diameter(diameter);
        }
        if (threshold != null) {
            p.postProcessing(p.postProcessing().withThreshold(threshold));
        }
        if (coreThreshold != null) {
            p.coreThreshold(coreThreshold);
        }
        if (post != null) {
            p.postProcessing(PostProcessing.parse(post));
        }
        p.device(Device.CPU).flipTta(tta);
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

    /** The files each image gives, as the CLI names them. */
    ImageOutputFiles outputFiles() {
        return new ImageOutputFiles(tiffLabels, saveRois, geojson);
    }

    /**
     * The options as the run manifest records them: the CLI's names and values where the CLI has the option.
     *
     * @param modelGiven the model as given on the command line, or null for the bundled one
     * @param rle        {@code --rle} as given, or null
     */
    Map<String, Object> manifestOptions(String modelGiven, String rle) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", modelGiven == null ? "bundled" : modelGiven);
        o.put("device", Device.CPU.toString());
        o.put("threshold", threshold == null ? null : Double.valueOf(threshold.toString()));
        o.put("core_threshold", coreThreshold == null ? null : Double.valueOf(coreThreshold.toString()));
        o.put("post", post);
        o.put("min_size", minSize);
        o.put("tta", tta);
        o.put("diameter", diameter);
        o.put("tile", tile);
        o.put("overlap", tileMargin == null ? overlapOrDefault() : null);
        o.put("tile_margin", tileMargin);
        o.put("rle", rle);
        o.put("channel", channel);
        o.put("page", page);
        o.put("pixel_size", pixelSize);
        o.put("save_rois", saveRois);
        o.put("geojson", geojson);
        o.put("label_format", tiffLabels ? "tiff" : "png");
        return o;
    }
}
