package dev.nucleon.segmentation.patch;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Paper 004's extra training patches: random {@code patch × patch} crops kept only when their foreground
 * fraction (pixels with label &gt; 0 over the patch area) is strictly greater than {@code minForeground}
 * (0.4 in the paper). The paper says "the ratio between foreground and background"; we read it as the
 * foreground fraction, as most re-implementations do — use {@code minForeground = r / (1 + r)} for a
 * foreground/background ratio r. Images smaller than the patch give one zero-padded crop at (0, 0).
 * Seeded: same seed, same patches.
 */
final class RandomPatchSampler {
    private final int patch;
    private final double minForeground;
    private final Random random;

    /**
     * A seeded sampler.
     *
     * @param patch         the patch side, pixels
     * @param minForeground a patch is kept when its foreground fraction is strictly above this, in [0, 1)
     * @param seed          the seed
     */
    public RandomPatchSampler(int patch, double minForeground, long seed) {
        if (patch < 1 || !(minForeground >= 0 && minForeground < 1)) {
            throw new IllegalArgumentException("RandomPatchSampler: need patch >= 1 and 0 <= minForeground < 1, got "
                    + patch + ", " + minForeground);
        }
        this.patch = patch;
        this.minForeground = minForeground;
        this.random = new Random(seed);
    }

    /**
     * Up to {@code count} accepted patches, trying at most {@code maxAttempts} random positions.
     *
     * @param image       the image
     * @param labels      its label map, same size
     * @param count       patches wanted
     * @param maxAttempts positions tried at most
     * @return the accepted patches, at most {@code count}
     */
    public List<Patch> sample(FloatImage image, LabelImage labels, int count, int maxAttempts) {
        if (image.width() != labels.width() || image.height() != labels.height()) {
            throw new IllegalArgumentException("RandomPatchSampler: image is " + image.width() + "x" + image.height()
                    + ", labels " + labels.width() + "x" + labels.height());
        }
        List<Patch> out = new ArrayList<>();
        int w = labels.width(), h = labels.height();
        int[] l = labels.data();
        for (int a = 0; a < maxAttempts && out.size() < count; a++) {
            int x = w > patch ? random.nextInt(w - patch + 1) : 0;
            int y = h > patch ? random.nextInt(h - patch + 1) : 0;
            long fg = 0;
            for (int yy = y; yy < Math.min(h, y + patch); yy++) {
                for (int xx = x; xx < Math.min(w, x + patch); xx++) {
                    if (l[yy * w + xx] > 0) {
                        fg++;
                    }
                }
            }
            if (fg / (double) ((long) patch * patch) > minForeground) {
                out.add(new Patch(x, y, image.crop(x, y, patch, patch), labels.crop(x, y, patch, patch)));
            }
        }
        return out;
    }
}
