package dev.nucleon.segmentation.patch;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.util.ArrayList;
import java.util.List;

/**
 * Paper 004's patch grid: patches of {@code patch × patch} pixels whose top-left corners lie on a grid of
 * spacing {@code stride}; when a side is longer than the patch but not covered exactly, one more patch is
 * re-cropped flush with the right/bottom edge (overlapping its neighbour); when a side is shorter than the
 * patch, the single patch is zero-padded on the right/bottom.
 *
 * <p>Origins along a side of length L: 0, s, 2s, … while {@code o + patch ≤ L}, plus {@code L − patch} if the
 * last one stops short of L; just 0 when L ≤ patch. Paper 004: patch = stride = 256.
 */
public final class PatchGrid {
    private final int width;
    private final int height;
    private final int patch;
    private final int stride;

    /**
     * A grid over a width × height image.
     *
     * @param width  the image's width, pixels
     * @param height the image's height, pixels
     * @param patch  the patch side, pixels
     * @param stride the grid step, pixels
     * @throws IllegalArgumentException when a size is not positive
     */
    public PatchGrid(int width, int height, int patch, int stride) {
        if (width < 1 || height < 1 || patch < 1 || stride < 1) {
            throw new IllegalArgumentException("PatchGrid: sizes must be positive, got image " + width + "x" + height
                    + ", patch " + patch + ", stride " + stride);
        }
        this.width = width;
        this.height = height;
        this.patch = patch;
        this.stride = stride;
    }

    /**
     * {@return paper 004: 256×256 patches, stride 256}
     *
     * @param width  the image's width, pixels
     * @param height the image's height, pixels
     */
    public static PatchGrid paper004(int width, int height) {
        return new PatchGrid(width, height, 256, 256);
    }

    /**
     * {@return patch origins along one side of length {@code size}: increasing, the last flush with the edge (a
     * single 0 when size ≤ patch)}
     *
     * @param size   the side's length, pixels
     * @param patch  the patch side
     * @param stride the step
     */
    public static int[] origins(int size, int patch, int stride) {
        if (size <= patch) {
            return new int[] {0};
        }
        List<Integer> o = new ArrayList<>();
        int last = 0;
        for (int x = 0; x + patch <= size; x += stride) {
            o.add(x);
            last = x;
        }
        if (last + patch < size) {
            o.add(size - patch);
        }
        return o.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@return the patch side, pixels} */
    public int patchSize() {
        return patch;
    }

    /** {@return every patch's top-left corner {x, y}, row by row} */
    public List<int[]> origins() {
        List<int[]> out = new ArrayList<>();
        for (int y : origins(height, patch, stride)) {
            for (int x : origins(width, patch, stride)) {
                out.add(new int[] {x, y});
            }
        }
        return out;
    }

    /**
     * {@return the patch at (x, y), zero-padded where it passes the image edge}
     *
     * @param image the image, (C, H, W)
     * @param x     the patch's left column
     * @param y     the patch's top row
     */
    public FloatImage extract(FloatImage image, int x, int y) {
        return image.crop(x, y, patch, patch);
    }

    /**
     * {@return the label patch at (x, y), 0 where it passes the image edge}
     *
     * @param labels the label map
     * @param x      the patch's left column
     * @param y      the patch's top row
     */
    public LabelImage extract(LabelImage labels, int x, int y) {
        return labels.crop(x, y, patch, patch);
    }

    /**
     * {@return all patches in {@link #origins()} order}
     *
     * @param image  the image
     * @param labels its label map, same size
     */
    public List<Patch> extractAll(FloatImage image, LabelImage labels) {
        List<Patch> out = new ArrayList<>();
        for (int[] o : origins()) {
            out.add(new Patch(o[0], o[1], extract(image, o[0], o[1]), labels == null ? null : extract(labels, o[0], o[1])));
        }
        return out;
    }
}
