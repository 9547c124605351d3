package dev.nucleon.segmentation.morphology;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * Boundary extraction (paper 002; Gonzalez &amp; Woods' β(A) = A − (A ⊖ B)): the object pixels that an
 * erosion removes. With B the 3×3 square ({@link Connectivity#EIGHT}) a pixel is on the boundary when any
 * of its 8 neighbours is outside the object, giving a 4-connected outline; with the cross
 * ({@link Connectivity#FOUR}) only edge neighbours count, giving a thinner 8-connected outline.
 * Pixels beyond the image edge count as part of the object, so nuclei cut by the image edge get no
 * artificial boundary along it.
 */
public final class BoundaryExtraction {
    private BoundaryExtraction() {
    }

    /**
     * {@return inner boundary of a binary mask}
     *
     * @param mask      the mask
     * @param structure which neighbours are looked at: a foreground pixel with a background one is boundary
     */
    public static BinaryMask inner(BinaryMask mask, Connectivity structure) {
        int w = mask.width(), h = mask.height();
        int[] l = new int[w * h];
        boolean[] m = mask.data();
        for (int i = 0; i < l.length; i++) {
            l[i] = m[i] ? 1 : 0;
        }
        return boundary(l, w, h, structure);
    }

    /**
     * Inner boundary of every labelled object: pixels of label k &gt; 0 with a neighbour of a different label
     * (background or another nucleus), so touching nuclei are separated.
     *
     * @param labels    instance labels
     * @param structure which neighbours are looked at
     * @return the boundary mask
     */
    public static BinaryMask ofLabels(LabelImage labels, Connectivity structure) {
        return boundary(labels.data(), labels.width(), labels.height(), structure);
    }

    private static BinaryMask boundary(int[] l, int w, int h, Connectivity structure) {
        boolean[] out = new boolean[w * h];
        int[][] off = structure.offsets();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int k = l[y * w + x];
                if (k <= 0) {
                    continue;
                }
                for (int[] o : off) {
                    int xx = x + o[0], yy = y + o[1];
                    if (xx >= 0 && yy >= 0 && xx < w && yy < h && l[yy * w + xx] != k) {
                        out[y * w + x] = true;
                        break;
                    }
                }
            }
        }
        return new BinaryMask(w, h, out);
    }
}
