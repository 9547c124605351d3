package dev.nucleon.nn;

import dev.nucleon.core.Tensor;

import java.util.Random;

/**
 * A tiny deterministic segmentation task: 1-channel images of bright rectangles ("nuclei", ~0.75) on a
 * darker background (~0.25) with Gaussian noise (σ 0.1), and their binary masks.
 */
public final class SyntheticSegmentation {

    public final Tensor images;
    public final Tensor masks;

    public SyntheticSegmentation(int n, int size, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * size * size];
        float[] y = new float[n * size * size];
        for (int i = 0; i < n; i++) {
            int blobs = 2 + r.nextInt(2);
            for (int b = 0; b < blobs; b++) {
                int h = 3 + r.nextInt(size / 3);
                int w = 3 + r.nextInt(size / 3);
                int top = r.nextInt(size - h);
                int left = r.nextInt(size - w);
                for (int yy = top; yy < top + h; yy++) {
                    for (int xx = left; xx < left + w; xx++) {
                        y[(i * size + yy) * size + xx] = 1f;
                    }
                }
            }
            for (int p = 0; p < size * size; p++) {
                int k = i * size * size + p;
                x[k] = (y[k] > 0 ? 0.75f : 0.25f) + (float) (0.1 * r.nextGaussian());
            }
        }
        images = Tensor.of(x, n, 1, size, size);
        masks = Tensor.of(y, n, 1, size, size);
    }
}
