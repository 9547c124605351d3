package dev.nucleon.segmentation.instance;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.morphology.ConnectedComponents;
import dev.nucleon.segmentation.morphology.Connectivity;
import dev.nucleon.segmentation.morphology.DistanceTransform;
import dev.nucleon.segmentation.morphology.HMaxima;
import dev.nucleon.segmentation.morphology.PeakLocalMax;
import dev.nucleon.segmentation.morphology.SmallHoleFilling;
import dev.nucleon.segmentation.morphology.SmallObjectRemoval;
import dev.nucleon.segmentation.morphology.Threshold;
import dev.nucleon.segmentation.morphology.Watershed;

/**
 * From a nucleus probability map to an instance label map, the post-processing of papers 001 and 004:
 *
 * <ol>
 *   <li>threshold: foreground where {@code p > threshold} (0.5);</li>
 *   <li>fill holes of area &lt; {@code maxHoleArea} ({@link SmallHoleFilling});</li>
 *   <li>remove objects of area &lt; {@code minObjectArea} ({@link SmallObjectRemoval});</li>
 *   <li>optionally split touching nuclei: markers on the Euclidean distance transform — h-maxima with
 *       {@code h} pixels (default, see {@link HMaxima} for why), or {@link PeakLocalMax} with a minimum
 *       distance — then a {@link Watershed} of {@code −distance} inside the mask. A foreground component
 *       without any marker gets one at its deepest pixel, so no nucleus is ever lost;</li>
 *   <li>label: connected components, 1..N in raster order.</li>
 * </ol>
 *
 * <p>Immutable; configure with the {@code with…} methods:
 * {@code InstanceSegmentation.defaults().withMinObjectArea(300).withPeakMarkers(5)}.
 */
public final class InstanceSegmentation {
    /** How watershed markers are found. */
    public enum Markers {
        /** No splitting: connected components only. */
        NONE,
        /** h-maxima of the distance transform (default, h = 2 px). */
        H_MAXIMA,
        /** peak_local_max-style peaks of the distance transform with a minimum distance. */
        PEAKS
    }

    private final float threshold;
    private final int minObjectArea;
    private final int maxHoleArea;
    private final Connectivity connectivity;
    private final Markers markers;
    private final float h;
    private final int minPeakDistance;

    private InstanceSegmentation(float threshold, int minObjectArea, int maxHoleArea, Connectivity connectivity,
                                 Markers markers, float h, int minPeakDistance) {
        this.threshold = threshold;
        this.minObjectArea = minObjectArea;
        this.maxHoleArea = maxHoleArea;
        this.connectivity = connectivity;
        this.markers = markers;
        this.h = h;
        this.minPeakDistance = minPeakDistance;
    }

    /**
     * threshold 0.5, fill holes &lt; 64 px, remove objects &lt; 16 px (DSB2018 has nuclei of ~20 px;
     * paper 004 used a few hundred on its data), 8-connectivity, h-maxima markers with h = 2 px.
     *
     * @return the default step (immutable, like every instance)
     */
    public static InstanceSegmentation defaults() {
        return new InstanceSegmentation(0.5f, 16, 64, Connectivity.EIGHT, Markers.H_MAXIMA, 2f, 5);
    }

    /** {@return the probability threshold} */
    public float threshold() {
        return threshold;
    }

    /** {@return the smallest nucleus kept, in pixels} */
    public int minObjectArea() {
        return minObjectArea;
    }

    /**
     * {@return a copy with another probability threshold}
     *
     * @param t pixels with probability above {@code t} are foreground, in (0, 1)
     */
    public InstanceSegmentation withThreshold(float t) {
        return new InstanceSegmentation(t, minObjectArea, maxHoleArea, connectivity, markers, h, minPeakDistance);
    }

    /**
     * {@return a copy that removes objects smaller than {@code a} pixels}
     *
     * @param a smallest area kept, pixels (≤ 1: none removed)
     */
    public InstanceSegmentation withMinObjectArea(int a) {
        return new InstanceSegmentation(threshold, a, maxHoleArea, connectivity, markers, h, minPeakDistance);
    }

    /**
     * {@return a copy that fills holes smaller than {@code a} pixels}
     *
     * @param a holes of fewer pixels are filled (≤ 1: none)
     */
    public InstanceSegmentation withMaxHoleArea(int a) {
        return new InstanceSegmentation(threshold, minObjectArea, a, connectivity, markers, h, minPeakDistance);
    }

    /**
     * {@return a copy with another connectivity for objects and their removal}
     *
     * @param c which neighbours join a nucleus' pixels
     */
    public InstanceSegmentation withConnectivity(Connectivity c) {
        return new InstanceSegmentation(threshold, minObjectArea, maxHoleArea, c, markers, h, minPeakDistance);
    }

    /** {@return no splitting of touching nuclei} */
    public InstanceSegmentation withoutSplitting() {
        return new InstanceSegmentation(threshold, minObjectArea, maxHoleArea, connectivity, Markers.NONE, h,
                minPeakDistance);
    }

    /**
     * {@return a copy that splits with h-maxima markers of the distance transform ({@link HMaxima})}
     *
     * @param hPixels least dynamic of a marker, pixels of distance, &gt; 0
     */
    public InstanceSegmentation withHMaximaMarkers(float hPixels) {
        return new InstanceSegmentation(threshold, minObjectArea, maxHoleArea, connectivity, Markers.H_MAXIMA,
                hPixels, minPeakDistance);
    }

    /**
     * {@return a copy that splits with peak_local_max markers of the distance transform ({@link PeakLocalMax})}
     *
     * @param minDistance least distance between markers, pixels, ≥ 1
     */
    public InstanceSegmentation withPeakMarkers(int minDistance) {
        return new InstanceSegmentation(threshold, minObjectArea, maxHoleArea, connectivity, Markers.PEAKS, h,
                minDistance);
    }

    /**
     * @param probability (1, H, W) nucleus probability (channel 0 used)
     * @return instance labels 1..N
     */
    public LabelImage segment(FloatImage probability) {
        BinaryMask mask = Threshold.apply(probability, threshold);
        return segmentMask(mask);
    }

    /**
     * Steps 2–5 on an already binary mask.
     *
     * @param mask foreground, (H, W)
     * @return instance labels 1..N
     */
    public LabelImage segmentMask(BinaryMask mask) {
        BinaryMask m = maxHoleArea > 1 ? SmallHoleFilling.apply(mask, maxHoleArea, Connectivity.FOUR) : mask;
        m = SmallObjectRemoval.apply(m, minObjectArea, connectivity);
        if (markers == Markers.NONE) {
            return ConnectedComponents.label(m, connectivity);
        }
        return split(m);
    }

    /**
     * {@return watershed split of the mask's components, see the class comment}
     *
     * @param mask foreground, (H, W), holes and small objects already removed
     */
    public LabelImage split(BinaryMask mask) {
        FloatImage dist = DistanceTransform.euclidean(mask);
        LabelImage seeds = markers == Markers.PEAKS
                ? PeakLocalMax.markers(dist, minPeakDistance, 0f)
                : HMaxima.markers(dist, h, Connectivity.EIGHT);
        seeds = seedUnmarkedComponents(mask, dist, seeds);
        float[] d = dist.data();
        float[] elev = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            elev[i] = -d[i];
        }
        LabelImage flooded = Watershed.apply(new FloatImage(mask.width(), mask.height(), 1, elev), seeds, mask,
                connectivity);
        // watershed regions are connected; relabel 1..N in raster order
        return ConnectedComponents.label(flooded, connectivity);
    }

    private LabelImage seedUnmarkedComponents(BinaryMask mask, FloatImage dist, LabelImage seeds) {
        LabelImage cc = ConnectedComponents.label(mask, connectivity);
        int n = cc.maxLabel();
        int[] c = cc.data(), s = seeds.data().clone();
        float[] d = dist.data();
        boolean[] marked = new boolean[n + 1];
        int[] deepest = new int[n + 1];
        java.util.Arrays.fill(deepest, -1);
        int next = 0;
        for (int i = 0; i < c.length; i++) {
            if (s[i] > 0 && c[i] == 0) {
                s[i] = 0; // a marker outside the mask cannot grow
            }
            if (s[i] > 0) {
                marked[c[i]] = true;
            }
            next = Math.max(next, s[i]);
            if (c[i] > 0 && (deepest[c[i]] < 0 || d[i] > d[deepest[c[i]]])) {
                deepest[c[i]] = i;
            }
        }
        for (int k = 1; k <= n; k++) {
            if (!marked[k]) {
                s[deepest[k]] = ++next;
            }
        }
        return new LabelImage(seeds.width(), seeds.height(), s);
    }
}
