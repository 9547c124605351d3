package dev.nucleon.fiji;

import dev.nucleon.segmentation.image.FloatImage;
import ij.ImagePlus;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

/**
 * ImageJ planes to Nucleon's {@link FloatImage}, with the scaling Nucleon's own file reader uses, so a plane
 * segments exactly as the same pixels read from a file by {@code nucleon segment}:
 * <ul>
 *   <li>8-bit gray: {@code v / 255}, one channel (the LUT is ignored: raw values);</li>
 *   <li>16-bit gray: {@code v / 65535}, one channel;</li>
 *   <li>32-bit gray: the values as they are, one channel (the network input scales float images by their own
 *       range);</li>
 *   <li>RGB: three channels R, G, B, each {@code v / 255}.</li>
 * </ul>
 */
public final class ImagePlanes {
    private ImagePlanes() {
    }

    /** One ImageJ plane as a (C, H, W) image: C = 3 for RGB, else 1; see the class comment for the scaling. */
    public static FloatImage toFloatImage(ImageProcessor ip) {
        int w = ip.getWidth(), h = ip.getHeight(), n = w * h;
        if (ip instanceof ColorProcessor cp) {
            int[] rgb = (int[]) cp.getPixels();
            float[] out = new float[3 * n];
            for (int i = 0; i < n; i++) {
                int c = rgb[i];
                out[i] = ((c >> 16) & 0xff) / 255f;
                out[n + i] = ((c >> 8) & 0xff) / 255f;
                out[2 * n + i] = (c & 0xff) / 255f;
            }
            return new FloatImage(w, h, 3, out);
        }
        float scale = switch (ip.getBitDepth()) {
            case 8 -> 1f / 255f;
            case 16 -> 1f / 65535f;
            default -> 1f;
        };
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = ip.getf(i) * scale;
        }
        return new FloatImage(w, h, 1, out);
    }

    /**
     * The raw pixel values of one plane as a (1, H, W) image, for intensity measurements in the image's own
     * values: gray planes as stored; RGB as (R + G + B) / 3, ImageJ's default RGB-to-gray conversion for
     * measurements.
     */
    public static FloatImage rawIntensity(ImageProcessor ip) {
        int w = ip.getWidth(), h = ip.getHeight(), n = w * h;
        float[] out = new float[n];
        if (ip instanceof ColorProcessor cp) {
            int[] rgb = (int[]) cp.getPixels();
            for (int i = 0; i < n; i++) {
                int c = rgb[i];
                out[i] = (((c >> 16) & 0xff) + ((c >> 8) & 0xff) + (c & 0xff)) / 3f;
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = ip.getf(i);
            }
        }
        return new FloatImage(w, h, 1, out);
    }

    /**
     * The plane of {@code image} at channel {@code c}, slice {@code z}, frame {@code t} (all 1-based, ImageJ's
     * convention).
     *
     * @throws IllegalArgumentException when an index is outside the image's dimensions
     */
    public static ImageProcessor plane(ImagePlus image, int c, int z, int t) {
        if (c < 1 || c > image.getNChannels() || z < 1 || z > image.getNSlices() || t < 1 || t > image.getNFrames()) {
            throw new IllegalArgumentException(image.getTitle() + ": no plane at channel " + c + ", slice " + z
                    + ", frame " + t + " (the image has " + image.getNChannels() + " channels, " + image.getNSlices()
                    + " slices, " + image.getNFrames() + " frames)");
        }
        return image.getStack().getProcessor(image.getStackIndex(c, z, t));
    }
}
