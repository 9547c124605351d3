package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;

import java.util.Arrays;

/**
 * The anchors of a feature pyramid, torchvision's {@code AnchorGenerator}: per level, a set of cell anchors (one
 * per aspect ratio × size, centred on 0) repeated at every position of the level's grid.
 * <pre>
 *   cell anchor for ratio r and size s:  h = √r·s,  w = s/√r,  (−w/2, −h/2, w/2, h/2) rounded half to even
 *   stride = (image H ÷ grid H, image W ÷ grid W)  (integer division)
 *   anchor at grid (i, j):  cell anchor + (x, y, x, y),  x = (j + offset)·strideW,  y = (i + offset)·strideH
 * </pre>
 * Order: level by level; within a level row by row, column by column, and the cell anchors at each position in
 * ratio-major order (all sizes of the first ratio first), so a level's anchors line up with an RPN head's output
 * (N, A·4, H, W) permuted to (N, H, W, A, 4). The offset is 0 in torchvision (anchors centred on each cell's top-left
 * corner); 0.5 centres them on the cells (Detectron2's option). Computed in float as torchvision does.
 */
public final class AnchorGenerator {

    private final float[][] cellAnchors;
    private final float offset;

    /**
     * A generator with offset 0 (torchvision).
     *
     * @param sizes        per level, the anchor sizes (square side in image pixels), e.g. {{32}, {64}, {128}, …}
     * @param aspectRatios per level, the ratios h/w, e.g. {0.5, 1, 2}
     */
    public AnchorGenerator(float[][] sizes, float[][] aspectRatios) {
        this(sizes, aspectRatios, 0f);
    }

    /**
     * A generator.
     *
     * @param sizes        per level, the anchor sizes (square side in image pixels)
     * @param aspectRatios per level, the ratios h/w
     * @param offset       the anchor centres' position inside a grid cell, in strides: 0 (torchvision) or 0.5
     * @throws IllegalArgumentException when the level counts differ, a level is empty, or a size or ratio is not
     *                                  positive
     */
    public AnchorGenerator(float[][] sizes, float[][] aspectRatios, float offset) {
        if (sizes.length != aspectRatios.length || sizes.length == 0) {
            throw new IllegalArgumentException("anchor generator: " + sizes.length + " levels of sizes, "
                    + aspectRatios.length + " of aspect ratios; need the same number, at least 1");
        }
        cellAnchors = new float[sizes.length][];
        for (int level = 0; level < sizes.length; level++) {
            cellAnchors[level] = cellAnchors(level, sizes[level], aspectRatios[level]);
        }
        this.offset = offset;
    }

    private static float[] cellAnchors(int level, float[] scales, float[] ratios) {
        if (scales.length == 0 || ratios.length == 0) {
            throw new IllegalArgumentException("anchor generator: level " + level + " has no sizes or no ratios");
        }
        float[] cell = new float[4 * scales.length * ratios.length];
        int a = 0;
        for (float r : ratios) {
            for (float s : scales) {
                if (!(r > 0 && s > 0)) {
                    throw new IllegalArgumentException("anchor generator: level " + level + " has size " + s
                            + " and ratio " + r + "; both must be > 0");
                }
                float hRatio = (float) Math.sqrt(r);
                float wRatio = 1f / hRatio;
                float w = wRatio * s;
                float h = hRatio * s;
                cell[a++] = (float) Math.rint(-w / 2);
                cell[a++] = (float) Math.rint(-h / 2);
                cell[a++] = (float) Math.rint(w / 2);
                cell[a++] = (float) Math.rint(h / 2);
            }
        }
        return cell;
    }

    /** {@return the number of levels} */
    public int levels() {
        return cellAnchors.length;
    }

    /**
     * {@return the anchors per grid position of a level (A = sizes × ratios)}
     *
     * @param level the level, 0-based
     */
    public int anchorsPerLocation(int level) {
        return cellAnchors[level].length / 4;
    }

    /**
     * {@return a level's cell anchors (A, 4), centred on 0}
     *
     * @param level the level, 0-based
     */
    public Tensor cellAnchors(int level) {
        return Tensor.of(cellAnchors[level].clone(), anchorsPerLocation(level), 4);
    }

    /**
     * {@return every anchor of the pyramid, (Σ_levels gridH·gridW·A, 4) as (x1, y1, x2, y2) in image pixels, on the
     * CPU}
     *
     * @param imageH    the (padded) image height
     * @param imageW    the (padded) image width
     * @param gridSizes per level, the feature map's (H, W)
     * @throws IllegalArgumentException when the number of levels differs or a grid is empty or larger than the image
     */
    public Tensor anchors(int imageH, int imageW, int[][] gridSizes) {
        if (gridSizes.length != cellAnchors.length) {
            throw new IllegalArgumentException("anchor generator: " + gridSizes.length + " feature maps for "
                    + cellAnchors.length + " levels");
        }
        int total = 0;
        for (int level = 0; level < gridSizes.length; level++) {
            int[] g = gridSizes[level];
            if (g.length != 2 || g[0] < 1 || g[1] < 1 || g[0] > imageH || g[1] > imageW) {
                throw new IllegalArgumentException("anchor generator: level " + level + " grid " + Arrays.toString(g)
                        + " must be 1 … the image's " + imageH + "x" + imageW);
            }
            total += g[0] * g[1] * anchorsPerLocation(level);
        }
        float[] out = new float[4 * total];
        int o = 0;
        for (int level = 0; level < gridSizes.length; level++) {
            int gh = gridSizes[level][0];
            int gw = gridSizes[level][1];
            int strideH = imageH / gh;
            int strideW = imageW / gw;
            float[] cell = cellAnchors[level];
            for (int i = 0; i < gh; i++) {
                float y = (i + offset) * strideH;
                for (int j = 0; j < gw; j++) {
                    float x = (j + offset) * strideW;
                    for (int a = 0; a < cell.length; a += 4) {
                        out[o++] = x + cell[a];
                        out[o++] = y + cell[a + 1];
                        out[o++] = x + cell[a + 2];
                        out[o++] = y + cell[a + 3];
                    }
                }
            }
        }
        return Tensor.of(out, total, 4);
    }
}
