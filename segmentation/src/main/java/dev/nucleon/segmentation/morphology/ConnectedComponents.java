package dev.nucleon.segmentation.morphology;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * Connected-component labelling: two raster passes with union-find (Rosenfeld–Pfaltz / Wu et al.),
 * O(pixels).
 *
 * <p>Components are numbered 1..N in raster order of their first pixel (top to bottom, left to right),
 * as scikit-image's {@code measure.label} does; background stays 0.
 */
public final class ConnectedComponents {
    private ConnectedComponents() {
    }

    /**
     * Labels the foreground components of a binary mask.
     *
     * @param mask         foreground, (H, W)
     * @param connectivity which neighbours join a component
     * @return labels 1..N in raster order of each component's first pixel, background 0
     */
    public static LabelImage label(BinaryMask mask, Connectivity connectivity) {
        boolean[] m = mask.data();
        int[] v = new int[m.length];
        for (int i = 0; i < m.length; i++) {
            v[i] = m[i] ? 1 : 0;
        }
        return label(v, mask.width(), mask.height(), connectivity);
    }

    /**
     * Splits a label map into connected pieces: pixels are connected when adjacent and of equal non-zero
     * value. A label whose pixels form two blobs becomes two labels; numbering as above.
     *
     * @param labels       a label map, (H, W)
     * @param connectivity which neighbours join a piece
     * @return a new label map numbered 1..N
     */
    public static LabelImage label(LabelImage labels, Connectivity connectivity) {
        return label(labels.data(), labels.width(), labels.height(), connectivity);
    }

    /**
     * {@return number of foreground components}
     *
     * @param mask         foreground, (H, W)
     * @param connectivity which neighbours join a component
     */
    public static int count(BinaryMask mask, Connectivity connectivity) {
        return label(mask, connectivity).maxLabel();
    }

    private static LabelImage label(int[] v, int w, int h, Connectivity connectivity) {
        boolean eight = connectivity == Connectivity.EIGHT;
        int[] out = new int[v.length];
        int[] parent = new int[Math.max(16, v.length / 4 + 1)];
        int next = 1;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                int i = row + x, val = v[i];
                if (val == 0) {
                    continue;
                }
                int lab = 0;
                if (x > 0 && v[i - 1] == val) {
                    lab = out[i - 1];
                }
                if (y > 0) {
                    int up = i - w;
                    if (v[up] == val) {
                        lab = lab == 0 ? out[up] : union(parent, lab, out[up]);
                    }
                    if (eight) {
                        if (x > 0 && v[up - 1] == val) {
                            lab = lab == 0 ? out[up - 1] : union(parent, lab, out[up - 1]);
                        }
                        if (x < w - 1 && v[up + 1] == val) {
                            lab = lab == 0 ? out[up + 1] : union(parent, lab, out[up + 1]);
                        }
                    }
                }
                if (lab == 0) {
                    if (next >= parent.length) {
                        parent = java.util.Arrays.copyOf(parent, parent.length * 2);
                    }
                    parent[next] = next;
                    lab = next++;
                }
                out[i] = lab;
            }
        }
        // flatten: roots are the smallest provisional label of their set, created at the set's first pixel
        int[] finalLabel = new int[next];
        int n = 0;
        for (int l = 1; l < next; l++) {
            int r = find(parent, l);
            if (r == l) {
                finalLabel[l] = ++n;
            } else {
                finalLabel[l] = finalLabel[r];
            }
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] != 0) {
                out[i] = finalLabel[out[i]];
            }
        }
        return new LabelImage(w, h, out);
    }

    private static int find(int[] parent, int a) {
        while (parent[a] != a) {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }
        return a;
    }

    /** Joins the sets of a and b; the root is the smaller label. Returns the root. */
    private static int union(int[] parent, int a, int b) {
        int ra = find(parent, a), rb = find(parent, b);
        if (ra == rb) {
            return ra;
        }
        if (ra < rb) {
            parent[rb] = ra;
            return ra;
        }
        parent[ra] = rb;
        return rb;
    }
}
