package dev.nucleon.segmentation.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.util.Arrays;

/**
 * A float image of {@code channels} planes of {@code height × width} pixels.
 *
 * <p>Layout: channel-major planes, row-major inside a plane. Sample {@code (x, y, c)} lives at
 * {@code data[c * height * width + y * width + x]}, so the array is exactly one (C, H, W) tensor and
 * maps to an NCHW tensor with N = 1 without reordering.
 *
 * <p>Channel conventions: 1 = gray, 2 = gray + alpha, 3 = RGB, 4 = RGBA. Values are whatever the
 * producer says; readers scale 8/16-bit files to [0, 1].
 *
 * <p>The array is shared, not copied: {@link #data()} gives direct access for fast loops.
 */
public final class FloatImage {
    private final int width;
    private final int height;
    private final int channels;
    private final float[] data;

    /**
     * Wraps an array (shared, not copied).
     *
     * @param width    W, pixels, &gt; 0
     * @param height   H, pixels, &gt; 0
     * @param channels C, &gt; 0 (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA by convention)
     * @param data     (C, H, W) samples, length {@code channels * height * width}; kept, not copied
     * @throws IllegalArgumentException for a non-positive size or an array of another length
     */
    public FloatImage(int width, int height, int channels, float[] data) {
        if (width <= 0 || height <= 0 || channels <= 0) {
            throw new IllegalArgumentException("FloatImage: width, height and channels must be positive, got "
                    + width + "x" + height + "x" + channels);
        }
        if (data == null || (long) width * height * channels != data.length) {
            throw new IllegalArgumentException("FloatImage: " + width + "x" + height + "x" + channels
                    + " needs " + ((long) width * height * channels) + " samples, got "
                    + (data == null ? "null" : data.length));
        }
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.data = data;
    }

    /**
     * {@return a zero-filled image of shape (C, H, W)}
     *
     * @param width    W, pixels, &gt; 0
     * @param height   H, pixels, &gt; 0
     * @param channels C, &gt; 0
     * @throws IllegalArgumentException when the image would not fit in one Java array
     */
    public static FloatImage zeros(int width, int height, int channels) {
        if ((long) width * height * channels > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("FloatImage: " + width + "x" + height + "x" + channels
                    + " does not fit in one Java array; use a tiled RegionSource");
        }
        return new FloatImage(width, height, channels, new float[Math.max(0, width * height * channels)]);
    }

    /**
     * An AWT image as a (C, H, W) float image, scaled as Nucleon's file reader scales decoded files, so
     * {@code FloatImage.from(ImageIO.read(f))} and {@code ImageFileReader.read(f)} agree on an 8/16-bit PNG:
     * <ul>
     *   <li>gray ({@code TYPE_BYTE_GRAY}, {@code TYPE_USHORT_GRAY}, any 1-band raster): C = 1, an unsigned
     *       sample of b bits divided by 2<sup>b</sup> − 1 (8-bit: /255, 16-bit: /65535);</li>
     *   <li>gray + alpha: C = 2; RGB ({@code TYPE_INT_RGB}, {@code TYPE_3BYTE_BGR}, …): C = 3 in R, G, B order;
     *       RGBA ({@code TYPE_INT_ARGB}, {@code TYPE_4BYTE_ABGR}, …): C = 4, alpha last; each band scaled by
     *       its own bit depth as above;</li>
     *   <li>float or double rasters: the samples as they are;</li>
     *   <li>palette images and premultiplied alpha: through {@link BufferedImage#getRGB}, C = 3 (4 when the
     *       colour model has alpha), /255.</li>
     * </ul>
     *
     * @param image a decoded AWT image (not modified, not kept)
     * @return a new (C, H, W) image
     * @throws IllegalArgumentException for a raster of more than 4 bands
     */
    public static FloatImage from(BufferedImage image) {
        Raster r = image.getRaster();
        int w = r.getWidth(), h = r.getHeight(), n = w * h, bands = r.getNumBands();
        ColorModel cm = image.getColorModel();
        if (cm instanceof IndexColorModel || cm.isAlphaPremultiplied()) {
            int channels = cm.hasAlpha() ? 4 : 3;
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            float[] out = new float[channels * n];
            for (int i = 0; i < n; i++) {
                int v = argb[i];
                out[i] = ((v >> 16) & 255) / 255f;
                out[n + i] = ((v >> 8) & 255) / 255f;
                out[2 * n + i] = (v & 255) / 255f;
                if (channels == 4) {
                    out[3 * n + i] = (v >>> 24) / 255f;
                }
            }
            return new FloatImage(w, h, channels, out);
        }
        if (bands < 1 || bands > 4) {
            throw new IllegalArgumentException("FloatImage.from: an image of " + bands + " bands; 1 to 4 are read");
        }
        int type = r.getDataBuffer().getDataType();
        boolean integer = type != DataBuffer.TYPE_FLOAT && type != DataBuffer.TYPE_DOUBLE;
        float[] out = new float[bands * n], plane = new float[n];
        for (int b = 0; b < bands; b++) {
            r.getSamples(r.getMinX(), r.getMinY(), w, h, b, plane);
            int bits = r.getSampleModel().getSampleSize(b);
            float s = integer ? (float) (1.0 / ((bits >= 32 ? 4294967296.0 : (double) (1L << bits)) - 1.0)) : 1f;
            for (int i = 0; i < n; i++) {
                out[b * n + i] = plane[i] * s;
            }
        }
        return new FloatImage(w, h, bands, out);
    }

    /**
     * Stacks single- or multi-channel images of equal size into one image, channels in order.
     *
     * @param planes at least one image, all of the same width and height
     * @return a new image with the sum of their channels
     * @throws IllegalArgumentException when none is given or the sizes differ
     */
    public static FloatImage stack(FloatImage... planes) {
        if (planes.length == 0) {
            throw new IllegalArgumentException("FloatImage.stack: no images given");
        }
        int w = planes[0].width, h = planes[0].height, c = 0;
        for (FloatImage p : planes) {
            if (p.width != w || p.height != h) {
                throw new IllegalArgumentException("FloatImage.stack: sizes differ, " + w + "x" + h + " vs "
                        + p.width + "x" + p.height);
            }
            c += p.channels;
        }
        float[] out = new float[w * h * c];
        int off = 0;
        for (FloatImage p : planes) {
            System.arraycopy(p.data, 0, out, off, p.data.length);
            off += p.data.length;
        }
        return new FloatImage(w, h, c, out);
    }

    /** {@return the width W, pixels} */
    public int width() {
        return width;
    }

    /** {@return the height H, pixels} */
    public int height() {
        return height;
    }

    /** {@return the channels C} */
    public int channels() {
        return channels;
    }

    /** {@return pixels per plane, {@code width * height}} */
    public int planeSize() {
        return width * height;
    }

    /** {@return the backing (C, H, W) array, shared with this image} */
    public float[] data() {
        return data;
    }

    /**
     * {@return index of sample (x, y, c) in {@link #data()}: {@code c·H·W + y·W + x}}
     *
     * @param x column, 0 ≤ x &lt; W
     * @param y row, 0 ≤ y &lt; H
     * @param c channel, 0 ≤ c &lt; C
     */
    public int index(int x, int y, int c) {
        return c * width * height + y * width + x;
    }

    /**
     * {@return sample (x, y) of channel 0}
     *
     * @param x column, 0 ≤ x &lt; W
     * @param y row, 0 ≤ y &lt; H
     */
    public float get(int x, int y) {
        return data[y * width + x];
    }

    /**
     * {@return sample (x, y) of channel c}
     *
     * @param x column, 0 ≤ x &lt; W
     * @param y row, 0 ≤ y &lt; H
     * @param c channel, 0 ≤ c &lt; C
     */
    public float get(int x, int y, int c) {
        return data[c * width * height + y * width + x];
    }

    /**
     * Sets sample (x, y) of channel 0.
     *
     * @param x column, 0 ≤ x &lt; W
     * @param y row, 0 ≤ y &lt; H
     * @param v the new value
     */
    public void set(int x, int y, float v) {
        data[y * width + x] = v;
    }

    /**
     * Sets sample (x, y) of channel c.
     *
     * @param x column, 0 ≤ x &lt; W
     * @param y row, 0 ≤ y &lt; H
     * @param c channel, 0 ≤ c &lt; C
     * @param v the new value
     */
    public void set(int x, int y, int c, float v) {
        data[c * width * height + y * width + x] = v;
    }

    /**
     * {@return whether (x, y) lies inside the image}
     *
     * @param x column (any int)
     * @param y row (any int)
     */
    public boolean contains(int x, int y) {
        return x >= 0 && y >= 0 && x < width && y < height;
    }

    /**
     * {@return a copy of channel {@code c} as a one-channel image}
     *
     * @param c channel, 0 ≤ c &lt; C
     * @throws IndexOutOfBoundsException when {@code c} is out of range
     */
    public FloatImage channel(int c) {
        if (c < 0 || c >= channels) {
            throw new IndexOutOfBoundsException("FloatImage.channel: channel " + c + " of a " + channels
                    + "-channel image");
        }
        int n = planeSize();
        return new FloatImage(width, height, 1, Arrays.copyOfRange(data, c * n, (c + 1) * n));
    }

    /** {@return whether the last channel is alpha by the channel convention (2 = gray+alpha, 4 = RGBA)} */
    public boolean hasAlpha() {
        return channels == 2 || channels == 4;
    }

    /** {@return this image without its alpha plane (2 → 1, 4 → 3 channels); itself when it has none} */
    public FloatImage withoutAlpha() {
        if (!hasAlpha()) {
            return this;
        }
        int n = planeSize();
        return new FloatImage(width, height, channels - 1, Arrays.copyOf(data, (channels - 1) * n));
    }

    /**
     * Whether every pixel has equal R, G and B (within {@code tolerance}); always true for 1 or 2 channels.
     *
     * @param tolerance largest accepted |R − G| and |R − B|, ≥ 0
     * @return true when the image is gray
     */
    public boolean isGrayscale(float tolerance) {
        if (channels < 3) {
            return true;
        }
        int n = planeSize();
        for (int i = 0; i < n; i++) {
            float r = data[i], g = data[n + i], b = data[2 * n + i];
            if (Math.abs(r - g) > tolerance || Math.abs(r - b) > tolerance) {
                return false;
            }
        }
        return true;
    }

    /** {@return a deep copy} */
    public FloatImage copy() {
        return new FloatImage(width, height, channels, data.clone());
    }

    /**
     * The region [x, x+w) × [y, y+h), all channels; parts outside the image are filled with {@code fill}.
     *
     * @param x    left column (may be negative or past the image)
     * @param y    top row (may be negative or past the image)
     * @param w    width of the region, &gt; 0
     * @param h    height of the region, &gt; 0
     * @param fill the value outside the image
     * @return a new (C, h, w) image
     */
    public FloatImage crop(int x, int y, int w, int h, float fill) {
        float[] out = new float[w * h * channels];
        if (fill != 0f) {
            Arrays.fill(out, fill);
        }
        int x0 = Math.max(0, x), x1 = Math.min(width, x + w);
        int y0 = Math.max(0, y), y1 = Math.min(height, y + h);
        if (x0 < x1) {
            for (int c = 0; c < channels; c++) {
                for (int yy = y0; yy < y1; yy++) {
                    System.arraycopy(data, c * width * height + yy * width + x0, out,
                            c * w * h + (yy - y) * w + (x0 - x), x1 - x0);
                }
            }
        }
        return new FloatImage(w, h, channels, out);
    }

    /**
     * {@return zero-padded crop, see {@link #crop(int, int, int, int, float)}}
     *
     * @param x left column (may be negative or past the image)
     * @param y top row (may be negative or past the image)
     * @param w width of the region, &gt; 0
     * @param h height of the region, &gt; 0
     */
    public FloatImage crop(int x, int y, int w, int h) {
        return crop(x, y, w, h, 0f);
    }

    /**
     * Copies all channels of {@code src} into this image with its top-left corner at (x, y), clipped.
     *
     * @param src the image pasted, with as many channels as this one
     * @param x   column of its left edge here (may be negative)
     * @param y   row of its top edge here (may be negative)
     * @throws IllegalArgumentException when the channel counts differ
     */
    public void paste(FloatImage src, int x, int y) {
        if (src.channels != channels) {
            throw new IllegalArgumentException("FloatImage.paste: source has " + src.channels
                    + " channels, target " + channels);
        }
        int x0 = Math.max(0, x), x1 = Math.min(width, x + src.width);
        int y0 = Math.max(0, y), y1 = Math.min(height, y + src.height);
        if (x0 >= x1) {
            return;
        }
        for (int c = 0; c < channels; c++) {
            for (int yy = y0; yy < y1; yy++) {
                System.arraycopy(src.data, c * src.width * src.height + (yy - y) * src.width + (x0 - x),
                        data, c * width * height + yy * width + x0, x1 - x0);
            }
        }
    }

    /** {@return smallest sample over all channels} */
    public float min() {
        float m = Float.POSITIVE_INFINITY;
        for (float v : data) {
            if (v < m) {
                m = v;
            }
        }
        return m;
    }

    /** {@return largest sample over all channels} */
    public float max() {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : data) {
            if (v > m) {
                m = v;
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "FloatImage[" + width + "x" + height + "x" + channels + "]";
    }
}
