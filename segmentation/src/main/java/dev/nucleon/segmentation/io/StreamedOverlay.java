package dev.nucleon.segmentation.io;

import dev.nucleon.segmentation.image.LabelImage;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@link Overlay}'s outlines drawn on an image kept as the decoder gave it, rendered a strip of rows at a time as
 * the encoder asks for them ({@link StripedImage}): no float copy of the image and no whole RGB overlay in memory,
 * for images too large for {@link Overlay#write}. Same outline rule and colours; the base image is the decoded
 * samples scaled to 8 bits ({@code round(v · 255 / (2^bits − 1))}; palette images through their palette).
 */
public final class StreamedOverlay {
    private StreamedOverlay() {
    }

    /**
     * Writes the outlines of {@code labels} on {@code image} as an 8-bit RGB file, atomically.
     *
     * @param image  the decoded image, 8- or 16-bit samples or a palette
     * @param labels the nuclei, same width and height
     * @param file   the target; the extension chooses the format
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public static void write(BufferedImage image, LabelImage labels, Path file) throws IOException {
        int w = image.getWidth(), h = image.getHeight();
        if (labels.width() != w || labels.height() != h) {
            throw new ImageFileException(file, "overlay: image is " + w + "x" + h + ", labels are "
                    + labels.width() + "x" + labels.height());
        }
        BufferedImage layout = new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR);
        Raster src = image.getRaster();
        ColorModel cm = image.getColorModel();
        boolean palette = cm instanceof IndexColorModel;
        int bands = src.getNumBands(), colour = palette ? 1 : bands >= 3 ? 3 : 1;
        double max = (double) (1L << src.getSampleModel().getSampleSize(0)) - 1;
        int[] l = labels.data();
        StripedImage overlay = new StripedImage(w, h, layout.getColorModel(), layout.getSampleModel(), region -> {
            int x0 = region.getMinX(), y0 = region.getMinY(), rw = region.getWidth();
            int[][] in = new int[colour][rw];
            int[][] out = new int[3][rw];
            for (int y = y0; y < y0 + region.getHeight(); y++) {
                for (int c = 0; c < colour; c++) {
                    src.getSamples(x0, y, rw, 1, c, in[c]);
                }
                for (int i = 0; i < rw; i++) {
                    for (int c = 0; c < 3; c++) {
                        if (palette) {
                            int argb = cm.getRGB(in[0][i]);
                            out[c][i] = (argb >> (16 - 8 * c)) & 255;
                        } else {
                            out[c][i] = (int) Math.round(in[Math.min(c, colour - 1)][i] * 255 / max);
                        }
                    }
                    int x = x0 + i, p = y * w + x, k = l[p];
                    if (k > 0 && (x == 0 || y == 0 || x == w - 1 || y == h - 1 || l[p - 1] != k || l[p + 1] != k
                            || l[p - w] != k || l[p + w] != k)) {
                        float[] rgb = Overlay.colour(k);
                        for (int c = 0; c < 3; c++) {
                            out[c][i] = Math.round(rgb[c] * 255f);
                        }
                    }
                }
                for (int c = 0; c < 3; c++) {
                    region.setSamples(x0, y, rw, 1, c, out[c]);
                }
            }
        });
        ImageFileWriter.writeImage(overlay, file);
    }
}
