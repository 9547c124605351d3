package dev.nucleon.segmentation.roi;

import dev.nucleon.segmentation.image.LabelImage;

import java.util.ArrayList;
import java.util.List;

/**
 * Traces the outer boundary of every label of a label map as a polygon on pixel corners ({@link Outline}): crack
 * following, along the edges between a nucleus' pixels and the others.
 *
 * <p>A label's first pixel in raster order has a boundary edge on top, on the outer boundary; tracing starts at
 * its top-left corner heading east and walks the grid of corners keeping the nucleus on its right (clockwise on the
 * screen). At each corner it looks at the two pixels ahead: the left one inside → turn left; else the right one
 * inside → straight on; else → turn right. Preferring the left turn follows the nucleus across a diagonal
 * (8-connected) pinch, where the polygon touches itself at one corner. The walk ends back at the start corner
 * (its only way in: the pixels left of and above the first pixel are not the nucleus'). Only the corners where it
 * turns are kept.
 *
 * <p>So the polygon's area (shoelace) equals the pixel count of a nucleus without holes (holes are inside the
 * outer boundary and counted) — what ImageJ's ROI Manager and QuPath measure. A label in several separate pieces
 * is traced around the piece holding its first pixel. Cost: one pass over the map, then the boundary length of each.
 */
public final class OutlineTracing {
    /** Directions east, south, west, north (clockwise on the screen, y down). */
    private static final int[] DX = {1, 0, -1, 0};
    private static final int[] DY = {0, 1, 0, -1};

    private OutlineTracing() {
    }

    /**
     * The outlines of all labels.
     *
     * @param labels the label map, 0 = background
     * @return one outline per label present, by increasing label
     */
    public static List<Outline> trace(LabelImage labels) {
        int w = labels.width(), h = labels.height();
        int[] d = labels.data();
        int max = 0;
        for (int v : d) {
            max = Math.max(max, v);
        }
        int[] first = new int[max + 1];
        java.util.Arrays.fill(first, -1);
        for (int i = 0; i < d.length; i++) {
            if (d[i] > 0 && first[d[i]] < 0) {
                first[d[i]] = i;
            }
        }
        List<Outline> out = new ArrayList<>();
        for (int k = 1; k <= max; k++) {
            if (first[k] >= 0) {
                out.add(trace(d, w, h, k, first[k] % w, first[k] / w));
            }
        }
        return out;
    }

    /** The outline of label k from its first pixel (x0, y0). */
    static Outline trace(int[] d, int w, int h, int k, int x0, int y0) {
        IntList xs = new IntList(), ys = new IntList();
        int x = x0, y = y0, dir = 0; // at corner (x0, y0) heading east
        do {
            // the two pixels ahead of corner (x, y) heading dir: left and right of the edge about to be walked
            int lx, ly, rx, ry;
            switch (dir) {
                case 0 -> { lx = x; ly = y - 1; rx = x; ry = y; }
                case 1 -> { lx = x; ly = y; rx = x - 1; ry = y; }
                case 2 -> { lx = x - 1; ly = y; rx = x - 1; ry = y - 1; }
                default -> { lx = x - 1; ly = y - 1; rx = x; ry = y - 1; }
            }
            int next;
            if (inside(d, w, h, k, lx, ly)) {
                next = (dir + 3) % 4;
            } else if (inside(d, w, h, k, rx, ry)) {
                next = dir;
            } else {
                next = (dir + 1) % 4;
            }
            if (next != dir || xs.size == 0) {
                xs.add(x);
                ys.add(y);
            }
            dir = next;
            x += DX[dir];
            y += DY[dir];
        } while (x != x0 || y != y0); // only the walk's last step, northward, enters the start corner
        return new Outline(k, xs.toArray(), ys.toArray());
    }

    private static boolean inside(int[] d, int w, int h, int k, int x, int y) {
        return x >= 0 && y >= 0 && x < w && y < h && d[y * w + x] == k;
    }

    /** A growable int array. */
    private static final class IntList {
        int[] a = new int[64];
        int size;

        void add(int v) {
            if (size == a.length) {
                a = java.util.Arrays.copyOf(a, 2 * size);
            }
            a[size++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }
}
