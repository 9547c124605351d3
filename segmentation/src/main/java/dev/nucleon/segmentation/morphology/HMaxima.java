package dev.nucleon.segmentation.morphology;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * The h-maxima transform: the regional maxima whose dynamic (height above the saddle that joins them
 * to a higher maximum) is at least {@code h}. Computed as scikit-image's {@code morphology.h_maxima}:
 * {@code rec = reconstruction by dilation of (f − h) under f}; a pixel is an h-maximum where
 * {@code f − rec ≥ h}.
 *
 * <p>On a distance transform, h is in pixels: two touching disks give two markers when the neck
 * between them is at least h pixels lower (in distance) than each centre. This is the marker choice of
 * {@link dev.nucleon.segmentation.instance.InstanceSegmentation} by default: unlike {@link PeakLocalMax} it does
 * not over-split elongated nuclei whose distance ridge is a long, flat plateau, and it needs no size assumption.
 */
public final class HMaxima {
    private HMaxima() {
    }

    /**
     * The h-maxima of an image, see the class comment.
     *
     * @param image        (1, H, W); +Inf and NaN are taken as a plateau above every finite value
     * @param h            least dynamic of a maximum, &gt; 0
     * @param connectivity adjacency of the reconstruction
     * @return the h-maxima mask
     * @throws IllegalArgumentException when {@code h} is not &gt; 0
     */
    public static BinaryMask mask(FloatImage image, float h, Connectivity connectivity) {
        if (!(h > 0)) {
            throw new IllegalArgumentException("HMaxima: h must be > 0, got " + h);
        }
        int n = image.planeSize();
        float[] f = image.data();
        float[] finite = new float[n];
        float maxFinite = 0f;
        for (int i = 0; i < n; i++) {
            float v = f[i];
            if (Float.isInfinite(v) || Float.isNaN(v)) {
                v = Float.NaN;
            } else if (Math.abs(v) > maxFinite) {
                maxFinite = Math.abs(v);
            }
            finite[i] = v;
        }
        // +Inf (no background at all) is treated as a flat plateau slightly above the finite maximum
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(finite[i])) {
                finite[i] = maxFinite + 2 * h;
            }
        }
        FloatImage fi = new FloatImage(image.width(), image.height(), 1, finite);
        float[] shifted = new float[n];
        for (int i = 0; i < n; i++) {
            shifted[i] = finite[i] - h;
        }
        float[] rec = MorphologicalReconstruction.byDilation(
                new FloatImage(image.width(), image.height(), 1, shifted), fi, connectivity).data();
        float tol = Math.max(1e-6f, Math.ulp(maxFinite + 2 * h) * 4);
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
            out[i] = finite[i] - rec[i] >= h - tol;
        }
        return new BinaryMask(image.width(), image.height(), out);
    }

    /**
     * {@return markers: the connected components of the h-maxima mask, numbered 1..N in raster order}
     *
     * @param image        (1, H, W), e.g. a distance transform
     * @param h            least dynamic of a maximum, &gt; 0
     * @param connectivity adjacency of the reconstruction
     */
    public static LabelImage markers(FloatImage image, float h, Connectivity connectivity) {
        return ConnectedComponents.label(mask(image, h, connectivity), Connectivity.EIGHT);
    }
}
