package dev.nucleon.examples;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.instance.NucleusMeasurement;
import dev.nucleon.segmentation.instance.RegionMeasurements;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.io.Overlay;

import java.nio.file.Path;
import java.util.List;

/**
 * Segments one image with the model bundled in the segmentation jar, prints the nuclei count and mean area,
 * and writes an overlay.
 *
 * <pre>java -cp ... dev.nucleon.examples.SegmentImage samples/0280fa8f/image.png overlay.png</pre>
 */
public final class SegmentImage {
    public static void main(String[] args) throws Exception {
        Path input = Path.of(args.length > 0 ? args[0] : "samples/0280fa8f/image.png");
        Path overlay = Path.of(args.length > 1 ? args[1] : "overlay.png");

        FloatImage image = ImageFileReader.read(input);          // (C, H, W) in [0, 1]
        Predictor predictor = Predictor.bundled();               // offline: weights ship in the jar
        LabelImage nuclei = predictor.segment(image);            // probability map -> instances 1..N
        List<NucleusMeasurement> rows = RegionMeasurements.measure(nuclei, null);

        double meanArea = rows.stream().mapToInt(NucleusMeasurement::area).average().orElse(0);
        System.out.printf("%s: %d nuclei, mean area %.1f px%n", input, rows.size(), meanArea);
        Overlay.write(image, nuclei, overlay);
    }
}
