package dev.nucleon.segmentation.roi;

/**
 * The outer boundary of one nucleus as a closed polygon on the pixel grid's corners: vertex (x, y) is the top-left
 * corner of pixel (x, y), so pixel (x, y) is the unit square [x, x+1] × [y, y+1] — ImageJ's and QuPath's convention
 * for polygon coordinates. Only the corners where the boundary turns are kept; the ring is implicitly closed (the
 * last vertex joins the first). Traced clockwise on the screen (y down) by {@link OutlineTracing}.
 *
 * @param label the nucleus' label
 * @param x     the vertices' x
 * @param y     the vertices' y
 */
public record Outline(int label, int[] x, int[] y) {

    /**
     * Number of vertices.
     *
     * @return n
     */
    public int size() {
        return x.length;
    }

    /**
     * Enclosed area by the shoelace formula, |Σ (x_i·y_{i+1} − x_{i+1}·y_i)| / 2: for a nucleus without holes, its
     * pixel count.
     *
     * @return the area in pixels
     */
    public double area() {
        long twice = 0;
        for (int i = 0, n = x.length; i < n; i++) {
            int j = (i + 1) % n;
            twice += (long) x[i] * y[j] - (long) x[j] * y[i];
        }
        return Math.abs(twice) / 2.0;
    }

    /**
     * The vertices' extent.
     *
     * @return smallest x, y and largest x, y: {@code {left, top, right, bottom}}
     */
    public int[] bounds() {
        int left = Integer.MAX_VALUE, top = Integer.MAX_VALUE, right = Integer.MIN_VALUE, bottom = Integer.MIN_VALUE;
        for (int i = 0; i < x.length; i++) {
            left = Math.min(left, x[i]);
            right = Math.max(right, x[i]);
            top = Math.min(top, y[i]);
            bottom = Math.max(bottom, y[i]);
        }
        return new int[] {left, top, right, bottom};
    }
}
