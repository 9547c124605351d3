package dev.nucleon.segmentation.morphology;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * Region filling (paper 002; SciPy's {@code binary_fill_holes}): every background region that is not
 * 4-connected to the image edge is a hole and is filled, whatever its size. (For size-limited filling,
 * as paper 004's post-processing, see {@link SmallHoleFilling}.)
 */
public final class RegionFilling {
    private RegionFilling() {
    }

    /**
     * Fills all enclosed holes of a binary mask.
     *
     * @param mask the mask, not modified
     * @return a new mask with every background region not touching the image edge filled
     */
    public static BinaryMask fillHoles(BinaryMask mask) {
        int w = mask.width(), h = mask.height();
        LabelImage bg = ConnectedComponents.label(mask.invert(), Connectivity.FOUR);
        boolean[] touches = edgeTouching(bg);
        boolean[] out = mask.data().clone();
        int[] b = bg.data();
        for (int i = 0; i < out.length; i++) {
            if (b[i] > 0 && !touches[b[i]]) {
                out[i] = true;
            }
        }
        return new BinaryMask(w, h, out);
    }

    /**
     * Fills the holes of every nucleus in a label map: an enclosed background region whose neighbouring
     * pixels all carry one label k takes label k; a region enclosed by several nuclei is left empty.
     *
     * @param labels instance labels, not modified
     * @return a new label map
     */
    public static LabelImage fillHoles(LabelImage labels) {
        int w = labels.width(), h = labels.height();
        int[] l = labels.data();
        LabelImage bg = ConnectedComponents.label(labels.foreground().invert(), Connectivity.FOUR);
        int[] b = bg.data();
        int n = bg.maxLabel();
        boolean[] touches = edgeTouching(bg);
        int[] owner = new int[n + 1]; // 0 = none yet, -1 = several
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = b[y * w + x];
                if (r == 0 || touches[r] || owner[r] == -1) {
                    continue;
                }
                int[][] off = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
                for (int[] o : off) {
                    int xx = x + o[0], yy = y + o[1];
                    if (xx < 0 || yy < 0 || xx >= w || yy >= h) {
                        continue;
                    }
                    int k = l[yy * w + xx];
                    if (k > 0) {
                        owner[r] = owner[r] == 0 || owner[r] == k ? k : -1;
                    }
                }
            }
        }
        int[] out = l.clone();
        for (int i = 0; i < out.length; i++) {
            int r = b[i];
            if (r > 0 && !touches[r] && owner[r] > 0) {
                out[i] = owner[r];
            }
        }
        return new LabelImage(w, h, out);
    }

    private static boolean[] edgeTouching(LabelImage regions) {
        int w = regions.width(), h = regions.height();
        int[] b = regions.data();
        boolean[] t = new boolean[regions.maxLabel() + 1];
        for (int x = 0; x < w; x++) {
            t[b[x]] = true;
            t[b[(h - 1) * w + x]] = true;
        }
        for (int y = 0; y < h; y++) {
            t[b[y * w]] = true;
            t[b[y * w + w - 1]] = true;
        }
        return t;
    }
}
