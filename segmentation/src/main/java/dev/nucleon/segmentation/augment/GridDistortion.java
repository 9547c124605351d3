package dev.nucleon.segmentation.augment;

import java.util.Random;

/**
 * Grid distortion (albumentations' GridDistortion): the image is cut into {@code numSteps} cells per axis;
 * each cell boundary step is stretched by a factor 1 + U(−distortLimit, distortLimit) and the sampling
 * coordinates are interpolated linearly inside each cell, as albumentations builds its maps. Defaults 5 and
 * 0.3; border reflect-101.
 */
public final class GridDistortion implements Augmentation {
    private final int numSteps;
    private final double distortLimit;

    /** 5 steps, distortion limit 0.3. */
    public GridDistortion() {
        this(5, 0.3);
    }

    /**
     * Other settings.
     *
     * @param numSteps     cells per axis, ≥ 1
     * @param distortLimit the largest relative stretch of a cell, in [0, 1)
     */
    public GridDistortion(int numSteps, double distortLimit) {
        if (numSteps < 1) {
            throw new IllegalArgumentException("GridDistortion: numSteps must be >= 1, got " + numSteps);
        }
        this.numSteps = numSteps;
        this.distortLimit = distortLimit;
    }

    @Override
    public AugmentationSample apply(AugmentationSample s, Random r) {
        int w = s.image().width(), h = s.image().height();
        double[] xs = new double[numSteps + 1], ys = new double[numSteps + 1];
        for (int i = 0; i <= numSteps; i++) {
            xs[i] = 1 + ShiftScaleRotate.uniform(r, -distortLimit, distortLimit);
        }
        for (int i = 0; i <= numSteps; i++) {
            ys[i] = 1 + ShiftScaleRotate.uniform(r, -distortLimit, distortLimit);
        }
        float[] xx = axis(w, xs), yy = axis(h, ys);
        float[] mx = new float[w * h], my = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                mx[y * w + x] = xx[x];
                my[y * w + x] = yy[y];
            }
        }
        return Remap.apply(s, mx, my, w, h, Remap.Border.REFLECT_101);
    }

    /**
     * albumentations: step = L // numSteps; each cell spans [prev, prev + step·factor). Deviation: the cell
     * is sampled without its end point ({@code linspace(..., endpoint=False)}), so factor 1 is the identity;
     * albumentations includes the end point and stretches even undistorted cells by step/(step − 1).
     */
    private float[] axis(int len, double[] factors) {
        int step = Math.max(1, len / numSteps);
        float[] out = new float[len];
        double prev = 0;
        int idx = 0;
        for (int start = 0; start < len; start += step, idx++) {
            int end = Math.min(start + step, len);
            double cur = prev + step * factors[Math.min(idx, factors.length - 1)];
            int m = end - start;
            for (int i = 0; i < m; i++) {
                out[start + i] = (float) (prev + (cur - prev) * i / m);
            }
            prev = cur;
        }
        return out;
    }
}
