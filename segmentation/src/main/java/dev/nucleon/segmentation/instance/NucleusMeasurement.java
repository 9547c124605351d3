package dev.nucleon.segmentation.instance;

/**
 * Measurements of one nucleus. Coordinates are pixel centres: pixel (x, y) covers [x−½, x+½]; the
 * bounding box is [x0, x1) × [y0, y1) (exclusive ends, as scikit-image's {@code bbox}).
 *
 * @param label the nucleus' label
 * @param area pixel count
 * @param centroidX mean x of its pixels
 * @param centroidY mean y of its pixels
 * @param x0 smallest x
 * @param y0 smallest y
 * @param x1 largest x + 1
 * @param y1 largest y + 1
 * @param equivalentDiameter diameter of the disk of equal area, √(4·area/π)
 * @param perimeter scikit-image's {@code regionprops} estimator (see {@link RegionMeasurements})
 * @param circularity 4π·area/perimeter² (1 for a disk; NaN when the perimeter is 0, i.e. a single pixel;
 *     can exceed 1 for tiny objects, an artefact of any digital perimeter)
 * @param meanIntensity mean of the intensity image over its pixels (NaN without an intensity image)
 * @param maxIntensity max of the intensity image over its pixels (NaN without an intensity image)
 */
public record NucleusMeasurement(int label, int area, double centroidX, double centroidY, int x0, int y0, int x1,
                                 int y1, double equivalentDiameter, double perimeter, double circularity,
                                 double meanIntensity, double maxIntensity) {
}
