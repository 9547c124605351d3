package dev.nucleon.segmentation.augment;

import java.util.Random;

/**
 * Elastic deformation (Simard et al. 2003; albumentations' ElasticTransform without its optional affine
 * part): displacement fields dx, dy drawn U(−1, 1) per pixel, smoothed by a Gaussian of standard
 * deviation {@code sigma} (OpenCV {@code GaussianBlur} with albumentations' fixed 17×17 kernel), scaled by
 * {@code alpha}; output (x, y) samples the input at (x + dx, y + dy). Border reflect-101.
 * albumentations' defaults alpha = 1, sigma = 50 barely move anything; the usual settings for nuclei are
 * alpha ≈ 120, sigma ≈ 6 (used by {@link AugmentationPipeline#paper003()}).
 */
public final class ElasticTransform implements Augmentation {
    private static final int KERNEL = 17;
    private final double alpha;
    private final double sigma;

    /** albumentations' defaults, alpha 1 and sigma 50 (see the class comment). */
    public ElasticTransform() {
        this(1, 50);
    }

    /**
     * Other settings.
     *
     * @param alpha the displacement's scale, pixels
     * @param sigma the smoothing Gaussian's standard deviation, pixels, &gt; 0
     */
    public ElasticTransform(double alpha, double sigma) {
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("ElasticTransform: sigma must be > 0, got " + sigma);
        }
        this.alpha = alpha;
        this.sigma = sigma;
    }

    @Override
    public AugmentationSample apply(AugmentationSample s, Random r) {
        int w = s.image().width(), h = s.image().height(), n = w * h;
        float[] dx = new float[n], dy = new float[n];
        for (int i = 0; i < n; i++) {
            dx[i] = (float) (r.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < n; i++) {
            dy[i] = (float) (r.nextDouble() * 2 - 1);
        }
        float[] k = Filters.gaussianKernel(KERNEL, sigma);
        dx = Filters.separable(dx, w, h, k);
        dy = Filters.separable(dy, w, h, k);
        float[] mx = new float[n], my = new float[n];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                mx[i] = (float) (x + alpha * dx[i]);
                my[i] = (float) (y + alpha * dy[i]);
            }
        }
        return Remap.apply(s, mx, my, w, h, Remap.Border.REFLECT_101);
    }
}
