package dev.nucleon.segmentation.image;

import java.util.Arrays;

/**
 * A binary image: {@code true} = foreground. Pixel (x, y) is {@code data[y * width + x]}.
 * The array is shared, not copied.
 */
public final class BinaryMask {
    private final int width;
    private final int height;
    private final boolean[] data;

    /**
     * Wraps an array (shared, not copied).
     *
     * @param width  W, pixels, &gt; 0
     * @param height H, pixels, &gt; 0
     * @param data   W·H pixels, row-major: (x, y) at {@code y * width + x}; true = foreground
     * @throws IllegalArgumentException for a non-positive size or an array of another length
     */
    public BinaryMask(int width, int height, boolean[] data) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("BinaryMask: size must be positive, got " + width + "x" + height);
        }
        if (data == null || (long) width * height != data.length) {
            throw new IllegalArgumentException("BinaryMask: " + width + "x" + height + " needs "
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
    public static BinaryMask empty(int width, int height) {
        return new BinaryMask(width, height, new boolean[width * height]);
    }

    /**
     * Builds a mask from rows of '#' (foreground) and '.' (background); handy in tests and docs.
     *
     * @param rows one string per row, all of the same length; any character but '.' and '0' is foreground
     * @return the mask
     * @throws IllegalArgumentException when the rows differ in length
     */
    public static BinaryMask parse(String... rows) {
        int h = rows.length, w = rows[0].length();
        boolean[] d = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            if (rows[y].length() != w) {
                throw new IllegalArgumentException("BinaryMask.parse: row " + y + " has " + rows[y].length()
                        + " characters, expected " + w);
            }
            for (int x = 0; x < w; x++) {
                d[y * w + x] = rows[y].charAt(x) != '.' && rows[y].charAt(x) != '0';
            }
        }
        return new BinaryMask(w, h, d);
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
    public boolean[] data() {
        return data;
    }

    /**
     * {@return the pixel at (x, y)}
     *
     * @param x column, 0 ≤ x &lt; W
     * @param y row, 0 ≤ y &lt; H
     */
    public boolean get(int x, int y) {
        return data[y * width + x];
    }

    /**
     * Sets one pixel.
     *
     * @param x column, 0 ≤ x &lt; W
     * @param y row, 0 ≤ y &lt; H
     * @param v the new value
     */
    public void set(int x, int y, boolean v) {
        data[y * width + x] = v;
    }

    /** {@return number of foreground pixels} */
    public int count() {
        int n = 0;
        for (boolean b : data) {
            if (b) {
                n++;
            }
        }
        return n;
    }

    /** {@return foreground fraction in [0, 1]} */
    public double fraction() {
        return count() / (double) data.length;
    }

    /** {@return a copy with its own array} */
    public BinaryMask copy() {
        return new BinaryMask(width, height, data.clone());
    }

    /** {@return a new mask, foreground and background swapped} */
    public BinaryMask invert() {
        boolean[] d = new boolean[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = !data[i];
        }
        return new BinaryMask(width, height, d);
    }

    /** {@return 0/1 float image, one channel} */
    public FloatImage toFloat() {
        float[] d = new float[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i] ? 1f : 0f;
        }
        return new FloatImage(width, height, 1, d);
    }

    /** {@return 0/1 label image} */
    public LabelImage toLabels() {
        int[] d = new int[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i] ? 1 : 0;
        }
        return new LabelImage(width, height, d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryMask m && m.width == width && m.height == height && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data) * 31 + width;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("BinaryMask[" + width + "x" + height + "]");
        if (data.length <= 400) {
            for (int y = 0; y < height; y++) {
                sb.append('\n');
                for (int x = 0; x < width; x++) {
                    sb.append(get(x, y) ? '#' : '.');
                }
            }
        }
        return sb.toString();
    }
}
