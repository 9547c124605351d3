package dev.nucleon.segmentation.preprocess;

import dev.nucleon.segmentation.image.FloatImage;

/**
 * Total-variation denoising with Chambolle's projection algorithm (J. Math. Imaging Vis. 20, 2004),
 * paper 004's second pre-processing step. Minimises ½‖u − f‖² + weight · TV(u) by a fixed-point iteration
 * on the dual field p: with d = −div p and u = f + d,
 * {@code p ← (p − τ ∇u) / (1 + (τ / weight) |∇u|)}, τ = 1/4, forward differences with a zero gradient
 * past the last row/column.
 *
 * <p>Matches scikit-image's {@code restoration.denoise_tv_chambolle(image, weight=0.1, eps=2e-4,
 * max_num_iter=200)}: the same update, the same energy E = (Σ d² + weight · Σ |∇u|) / pixels, and the
 * same stop rule |E_prev − E| &lt; eps · E_initial. Channels are denoised independently. A larger weight
 * smooths more (at the cost of fidelity); weight is in the image's intensity units ([0, 1] images).
 */
public final class TotalVariationDenoising {
    private final float weight;
    private final double eps;
    private final int maxIterations;

    /** scikit-image's defaults: weight 0.1, eps 2e-4, at most 200 iterations. */
    public TotalVariationDenoising() {
        this(0.1f, 2e-4, 200);
    }

    /**
     * Chambolle's TV denoising with other settings.
     *
     * @param weight        the denoising weight (larger: smoother), &gt; 0
     * @param eps           the relative change of the energy at which iterations stop
     * @param maxIterations the most iterations
     */
    public TotalVariationDenoising(float weight, double eps, int maxIterations) {
        if (!(weight > 0) || maxIterations < 1) {
            throw new IllegalArgumentException("TotalVariationDenoising: weight must be > 0 and iterations >= 1,"
                    + " got weight " + weight + ", " + maxIterations + " iterations");
        }
        this.weight = weight;
        this.eps = eps;
        this.maxIterations = maxIterations;
    }

    /**
     * Denoises every channel.
     *
     * @param image (C, H, W), not modified
     * @return denoised (C, H, W)
     */
    public FloatImage apply(FloatImage image) {
        int w = image.width(), h = image.height(), n = w * h;
        float[] out = new float[image.data().length];
        for (int c = 0; c < image.channels(); c++) {
            float[] f = java.util.Arrays.copyOfRange(image.data(), c * n, (c + 1) * n);
            float[] u = plane(f, w, h);
            System.arraycopy(u, 0, out, c * n, n);
        }
        return new FloatImage(w, h, image.channels(), out);
    }

    private float[] plane(float[] f, int w, int h) {
        int n = w * h;
        float[] px = new float[n], py = new float[n], u = f.clone();
        final float tau = 0.25f;
        final float scale = tau / weight;
        double eInit = 0, ePrev = 0;
        for (int it = 0; it < maxIterations; it++) {
            double e = 0;
            if (it > 0) {
                // u = f + d, d = −px − py + px(x−1) + py(y−1)
                for (int y = 0; y < h; y++) {
                    int row = y * w;
                    for (int x = 0; x < w; x++) {
                        int i = row + x;
                        float d = -px[i] - py[i];
                        if (x > 0) {
                            d += px[i - 1];
                        }
                        if (y > 0) {
                            d += py[i - w];
                        }
                        u[i] = f[i] + d;
                        e += d * d;
                    }
                }
            }
            double tv = 0;
            for (int y = 0; y < h; y++) {
                int row = y * w;
                boolean lastRow = y == h - 1;
                for (int x = 0; x < w; x++) {
                    int i = row + x;
                    float gx = x < w - 1 ? u[i + 1] - u[i] : 0f;
                    float gy = lastRow ? 0f : u[i + w] - u[i];
                    float norm = (float) Math.sqrt(gx * gx + gy * gy);
                    tv += norm;
                    float denom = 1f + scale * norm;
                    px[i] = (px[i] - tau * gx) / denom;
                    py[i] = (py[i] - tau * gy) / denom;
                }
            }
            e = (e + weight * tv) / n;
            if (it == 0) {
                eInit = e;
                ePrev = e;
            } else {
                if (Math.abs(ePrev - e) < eps * eInit) {
                    break;
                }
                ePrev = e;
            }
        }
        return u;
    }
}
