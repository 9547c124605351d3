package dev.nucleon.segmentation.image;

import java.util.Arrays;

/**
 * An integer label map: 0 = background, k &gt; 0 = the k-th object (an instance label map) or class k
 * (a semantic target). Pixel (x, y) is {@code data[y * width + x]}. The array is shared, not copied.
 */
public final class LabelImage {
    private final int width;
    private final int height;
    private final int[] data;

    /**
     * Wraps an array (shared, not copied).
     *
     * @param width  W, pixels, &gt; 0
     * @param height H, pixels, &gt; 0
     * @param data   W·H pixels, row-major: (x, y) at {@code y * width + x}; 0 background, k &gt; 0 label k
     * @throws IllegalArgumentException for a non-positive size or an array of another length
     */
    public LabelImage(int width, int height, int[] data) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("LabelImage: size must be positive, got " + width + "x" + height);
        }
        if (data == null || (long) width * height != data.length) {
            throw new IllegalArgumentException("LabelImage: " + width + "x" + height + " needs "
                    + ((long) width * height) + " pixels, got " + (data == null ? "null" : data.length));
        }
        this.width = width;
        this.height = height;
        this.data = data;
    }

    /**
     * {@return an all-background image}
     *
     * @param width  W, pixels, &gt; 0
     * @param height H, pixels, &gt; 0
     */
    public static LabelImage empty(int width, int height) {
        return new LabelImage(width, height, new int[width * height]);
    }

    /**
     * Builds a label map from rows of digits/letters: '.' or '0' = 0, '1'..'9' = 1..9, 'a'..'z' = 10..35.
     *
     * @param rows one string per row, all of the same length
     * @return the label map
     * @throws IllegalArgumentException when the rows differ in length
     */
    public static LabelImage parse(String... rows) {
        int h = rows.length, w = rows[0].length();
        int[] d = new int[w * h];
        for (int y = 0; y < h; y++) {
            if (rows[y].length() != w) {
                throw new IllegalArgumentException("LabelImage.parse: row " + y + " has " + rows[y].length()
                        + " characters, expected " + w);
            }
            for (int x = 0; x < w; x++) {
                char ch = rows[y].charAt(x);
                d[y * w + x] = ch == '.' ? 0 : Character.digit(ch, 36);
            }
        }
        return new LabelImage(w, h, d);
    }

    /** {@return the width W, pixels} */
    public int width() {
        return width;
    }

    /** {@return the height H, pixels} */
    public int height() {
        return height;
    }

    /** {@return the pixels, row-major, the array itself (writes show in the image)} */
    public int[] data() {
        return data;
    }

    /**
     * {@return the pixel at (x, y)}
     *
     * @param x column, 0 ≤ x &lt; W
     * @param y row, 0 ≤ y &lt; H
     */
    public int get(int x, int y) {
        return data[y * width + x];
    }

    /**
     * Sets one pixel.
     *
     * @param x column, 0 ≤ x &lt; W
     * @param y row, 0 ≤ y &lt; H
     * @param v the new value
     */
    public void set(int x, int y, int v) {
        data[y * width + x] = v;
    }

    /** {@return the largest label (0 for an empty map)} */
    public int maxLabel() {
        int m = 0;
        for (int v : data) {
            if (v > m) {
                m = v;
            }
        }
        return m;
    }

    /** {@return number of distinct non-zero labels} */
    public int countLabels() {
        int max = maxLabel();
        if (max < 0) {
            return 0;
        }
        boolean[] seen = new boolean[max + 1];
        int n = 0;
        for (int v : data) {
            if (v > 0 && !seen[v]) {
                seen[v] = true;
                n++;
            }
        }
        return n;
    }

    /** {@return areas in pixels indexed by label, length {@code maxLabel() + 1} (index 0 = background)} */
    public int[] areas() {
        int[] a = new int[maxLabel() + 1];
        for (int v : data) {
            if (v > 0) {
                a[v]++;
            }
        }
        return a;
    }

    /**
     * Labels renumbered 1..N in order of first appearance in raster order, background kept 0;
     * negative values are treated as background.
     *
     * @return a new label map with labels 1..N
     */
    public LabelImage relabelSequential() {
        int max = maxLabel();
        int[] map = new int[max + 1];
        int next = 0;
        int[] out = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            int v = data[i];
            if (v > 0) {
                if (map[v] == 0) {
                    map[v] = ++next;
                }
                out[i] = map[v];
            }
        }
        return new LabelImage(width, height, out);
    }

    /** {@return foreground mask: label &gt; 0} */
    public BinaryMask foreground() {
        boolean[] d = new boolean[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i] > 0;
        }
        return new BinaryMask(width, height, d);
    }

    /**
     * {@return mask of the pixels with label {@code k}}
     *
     * @param k a label (0: the background)
     */
    public BinaryMask mask(int k) {
        boolean[] d = new boolean[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i] == k;
        }
        return new BinaryMask(width, height, d);
    }

    /**
     * {@return the region [x, x+w) × [y, y+h), a new (w, h) map; pixels outside the image are 0}
     *
     * @param x left column (may be negative or past the image)
     * @param y top row (may be negative or past the image)
     * @param w width of the region, &gt; 0
     * @param h height of the region, &gt; 0
     */
    public LabelImage crop(int x, int y, int w, int h) {
        int[] out = new int[w * h];
        int x0 = Math.max(0, x), x1 = Math.min(width, x + w);
        int y0 = Math.max(0, y), y1 = Math.min(height, y + h);
        if (x0 < x1) {
            for (int yy = y0; yy < y1; yy++) {
                System.arraycopy(data, yy * width + x0, out, (yy - y) * w + (x0 - x), x1 - x0);
            }
        }
        return new LabelImage(w, h, out);
    }

    /** {@return the labels as floats, a new one-channel image (e.g. to feed a class map to a float pipeline)} */
    public FloatImage toFloat() {
        float[] d = new float[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i];
        }
        return new FloatImage(width, height, 1, d);
    }

    /** {@return a copy with its own array} */
    public LabelImage copy() {
        return new LabelImage(width, height, data.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelImage m && m.width == width && m.height == height && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data) * 31 + width;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("LabelImage[" + width + "x" + height + "]");
        if (data.length <= 400 && maxLabel() < 36) {
            for (int y = 0; y < height; y++) {
                sb.append('\n');
                for (int x = 0; x < width; x++) {
                    int v = get(x, y);
                    sb.append(v == 0 ? '.' : Character.forDigit(v, 36));
                }
            }
        }
        return sb.toString();
    }
}
