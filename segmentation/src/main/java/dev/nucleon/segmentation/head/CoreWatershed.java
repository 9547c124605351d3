package dev.nucleon.segmentation.head;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.morphology.ConnectedComponents;
import dev.nucleon.segmentation.morphology.Connectivity;
import dev.nucleon.segmentation.morphology.SmallHoleFilling;
import dev.nucleon.segmentation.morphology.SmallObjectRemoval;
import dev.nucleon.segmentation.morphology.Watershed;

/**
 * Instances from a head's two maps ({@link Head#CONTOUR}, {@link Head#DISTANCE}, {@link Head#CLASSES}): one marker per
 * nucleus core, grown over the nucleus mask.
 *
 * <ol>
 *   <li>mask: {@code p_nucleus > threshold}, holes &lt; {@code maxHoleArea} px filled;</li>
 *   <li>core score s per pixel: {@code p_nucleus · (1 − p_contour)} for the contour head, the predicted
 *       normalised distance for the distance head, the interior-class score for the classes head;</li>
 *   <li>markers: 8-connected components of {@code s > coreThreshold} inside the mask; a mask component
 *       without any marker gets one at its highest s, so no detected nucleus is lost — unless
 *       {@linkplain #withSeedUnmarked seeding is off}, when such a component (a blob the network found no
 *       centre in, most often debris or a fragment) is dropped;</li>
 *   <li>watershed of −s from the markers inside the mask ({@link Watershed}), so each mask pixel joins the
 *       core it reaches first climbing down s;</li>
 *   <li>nuclei smaller than {@code minObjectArea} px dropped, labels renumbered 1..N in raster order.</li>
 * </ol>
 * Immutable; configure with the {@code with…} methods.
 */
public final class CoreWatershed {
    /** Default mask threshold on the nucleus probability. */
    public static final float DEFAULT_THRESHOLD = 0.5f;
    /** Default core threshold on s. */
    public static final float DEFAULT_CORE_THRESHOLD = 0.5f;

    private final Head head;
    private final float threshold;
    private final float coreThreshold;
    private final int minObjectArea;
    private final int maxHoleArea;
    private final boolean seedUnmarked;

    private CoreWatershed(Head head, float threshold, float coreThreshold, int minObjectArea, int maxHoleArea,
                          boolean seedUnmarked) {
        if (head.mapCount() != 2) {
            throw new IllegalArgumentException("CoreWatershed: needs a head of two maps, got " + head.label());
        }
        if (!(threshold > 0 && threshold < 1) || !(coreThreshold > 0 && coreThreshold < 1)) {
            throw new IllegalArgumentException("CoreWatershed: thresholds must be in (0, 1), got " + threshold + ", "
                    + coreThreshold);
        }
        this.head = head;
        this.threshold = threshold;
        this.coreThreshold = coreThreshold;
        this.minObjectArea = Math.max(0, minObjectArea);
        this.maxHoleArea = Math.max(0, maxHoleArea);
        this.seedUnmarked = seedUnmarked;
    }

    /**
     * The default step for a head: thresholds 0.5 / 0.5, nuclei of at least 16 px, holes below 64 px filled.
     *
     * @param head a head of two maps ({@link Head#CONTOUR}, {@link Head#DISTANCE} or {@link Head#CLASSES})
     * @return the step
     * @throws IllegalArgumentException for a one-channel head
     */
    public static CoreWatershed of(Head head) {
        return new CoreWatershed(head, DEFAULT_THRESHOLD, DEFAULT_CORE_THRESHOLD, 16, 64, true);
    }

    /**
     * {@return a copy with another nucleus-probability threshold}
     *
     * @param t the threshold on channel 0, in (0, 1)
     * @throws IllegalArgumentException when {@code t} is outside (0, 1)
     */
    public CoreWatershed withThreshold(float t) {
        return new CoreWatershed(head, t, coreThreshold, minObjectArea, maxHoleArea, seedUnmarked);
    }

    /**
     * {@return a copy with another core threshold (on the marker score s)}
     *
     * @param t the threshold, in (0, 1); higher gives more, smaller markers
     * @throws IllegalArgumentException when {@code t} is outside (0, 1)
     */
    public CoreWatershed withCoreThreshold(float t) {
        return new CoreWatershed(head, threshold, t, minObjectArea, maxHoleArea, seedUnmarked);
    }

    /**
     * {@return a copy that drops nuclei smaller than {@code a} pixels}
     *
     * @param a the smallest area kept, pixels (negative: 0)
     */
    public CoreWatershed withMinObjectArea(int a) {
        return new CoreWatershed(head, threshold, coreThreshold, a, maxHoleArea, seedUnmarked);
    }

    /**
     * {@return a copy that keeps (true, the default) or drops (false) the mask components without a core}
     *
     * @param on whether a component with no pixel above the core threshold is seeded at its highest core score
     */
    public CoreWatershed withSeedUnmarked(boolean on) {
        return new CoreWatershed(head, threshold, coreThreshold, minObjectArea, maxHoleArea, on);
    }

    /**
     * @param output (2, H, W) head output: nucleus probability, then contour probability or normalised distance
     * @return instance labels 1..N
     */
    public LabelImage segment(FloatImage output) {
        if (output.channels() < 2) {
            throw new IllegalArgumentException("CoreWatershed: the " + head.label() + " head needs 2 channels, got "
                    + output.channels());
        }
        int w = output.width(), h = output.height(), n = w * h;
        float[] o = output.data();
        boolean[] fg = new boolean[n];
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            float p = o[i], q = o[n + i];
            fg[i] = p > threshold;
            s[i] = head == Head.CONTOUR ? p * (1f - q) : q;
        }
        BinaryMask mask = new BinaryMask(w, h, fg);
        if (maxHoleArea > 1) {
            mask = SmallHoleFilling.apply(mask, maxHoleArea, Connectivity.FOUR);
        }
        boolean[] m = mask.data();
        boolean[] core = new boolean[n];
        for (int i = 0; i < n; i++) {
            core[i] = m[i] && s[i] > coreThreshold;
        }
        LabelImage cores = ConnectedComponents.label(new BinaryMask(w, h, core), Connectivity.EIGHT);
        LabelImage markers = seedUnmarked ? withSeedsInUnmarkedComponents(mask, s, cores) : cores;
        float[] elevation = new float[n];
        for (int i = 0; i < n; i++) {
            elevation[i] = -s[i];
        }
        LabelImage flooded = Watershed.apply(new FloatImage(w, h, 1, elevation), markers, mask, Connectivity.EIGHT);
        return SmallObjectRemoval.apply(flooded, minObjectArea).relabelSequential();
    }

    /** Adds a marker at the highest score of every mask component that has none. */
    private static LabelImage withSeedsInUnmarkedComponents(BinaryMask mask, float[] s, LabelImage markers) {
        LabelImage cc = ConnectedComponents.label(mask, Connectivity.EIGHT);
        int[] c = cc.data(), out = markers.data().clone();
        int count = cc.maxLabel(), next = markers.maxLabel();
        boolean[] marked = new boolean[count + 1];
        int[] best = new int[count + 1];
        java.util.Arrays.fill(best, -1);
        for (int i = 0; i < c.length; i++) {
            if (c[i] == 0) {
                continue;
            }
            if (out[i] > 0) {
                marked[c[i]] = true;
            }
            if (best[c[i]] < 0 || s[i] > s[best[c[i]]]) {
                best[c[i]] = i;
            }
        }
        for (int k = 1; k <= count; k++) {
            if (!marked[k]) {
                out[best[k]] = ++next;
            }
        }
        return new LabelImage(markers.width(), markers.height(), out);
    }
}
