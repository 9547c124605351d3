package dev.nucleon.segmentation.preprocess;

import dev.nucleon.segmentation.image.LabelImage;

/**
 * Paper 001's per-pixel classes for its Simple CNN: {@link #BACKGROUND} = 0, {@link #NUCLEUS} = 1
 * (inside a nucleus), {@link #BORDER} = 2 (the nucleus' pixels bordering the background or another
 * nucleus). Border pixels are those of label k within {@code width} pixels (Chebyshev distance, i.e. a
 * 3×3 neighbourhood per step) of a pixel of another label; the image edge is not a border.
 * Width 1 gives the inner boundary of {@link dev.nucleon.segmentation.morphology.BoundaryExtraction#ofLabels}
 * with the 3×3 square.
 */
public final class ThreeClassTarget {
    /** Class of background pixels. */
    public static final int BACKGROUND = 0;
    /** Class of nucleus pixels away from another nucleus. */
    public static final int NUCLEUS = 1;
    /** Class of nucleus pixels near another label. */
    public static final int BORDER = 2;

    private ThreeClassTarget() {
    }

    /**
     * The three-class map of an instance label map.
     *
     * @param labels instance labels
     * @param width  the border's width, pixels, ≥ 1
     * @return class map with values {@link #BACKGROUND}, {@link #NUCLEUS}, {@link #BORDER}
     * @throws IllegalArgumentException when {@code width} &lt; 1
     */
    public static LabelImage of(LabelImage labels, int width) {
        if (width < 1) {
            throw new IllegalArgumentException("ThreeClassTarget: border width must be >= 1, got " + width);
        }
        int w = labels.width(), h = labels.height();
        int[] l = labels.data();
        // interior[i]: label k still present after `step` erosions of each nucleus by the 3x3 square
        boolean[] interior = new boolean[l.length];
        for (int i = 0; i < l.length; i++) {
            interior[i] = l[i] > 0;
        }
        for (int step = 0; step < width; step++) {
            boolean[] next = new boolean[l.length];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    if (!interior[i]) {
                        continue;
                    }
                    boolean keep = true;
                    for (int dy = -1; dy <= 1 && keep; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int xx = x + dx, yy = y + dy;
                            if (xx < 0 || yy < 0 || xx >= w || yy >= h) {
                                continue;
                            }
                            int j = yy * w + xx;
                            if (l[j] != l[i] || !interior[j]) {
                                keep = false;
                                break;
                            }
                        }
                    }
                    next[i] = keep;
                }
            }
            interior = next;
        }
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = l[i] <= 0 ? BACKGROUND : interior[i] ? NUCLEUS : BORDER;
        }
        return new LabelImage(w, h, out);
    }
}
