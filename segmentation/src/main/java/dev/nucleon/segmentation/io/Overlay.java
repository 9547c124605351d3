package dev.nucleon.segmentation.io;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Nucleus outlines drawn on the image, one colour per nucleus: the quick visual check every
 * segmentation needs. An outline pixel is a pixel of label k &gt; 0 with a 4-neighbour of another label
 * (the inner boundary, 1 pixel wide); pixels on the image edge are outlined too.
 */
public final class Overlay {
    private Overlay() {
    }

    /**
     * @param image (C, H, W), C = 1 (gray), 2, 3 or 4 channels, values in [0, 1]; alpha is ignored
     * @param labels instance labels of the same width and height
     * @return (3, H, W) RGB image in [0, 1]
     */
    public static FloatImage outlines(FloatImage image, LabelImage labels) {
        int w = image.width(), h = image.height(), n = w * h;
        if (labels.width() != w || labels.height() != h) {
            throw new IllegalArgumentException("Overlay: image is " + w + "x" + h + ", labels are "
                    + labels.width() + "x" + labels.height());
        }
        FloatImage base = image.withoutAlpha();
        float[] src = base.data();
        float[] out = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            int off = base.channels() == 1 ? 0 : c * n;
            for (int i = 0; i < n; i++) {
                out[c * n + i] = Math.max(0f, Math.min(1f, src[off + i]));
            }
        }
        int[] l = labels.data();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x, k = l[i];
                if (k <= 0) {
                    continue;
                }
                boolean edge = x == 0 || y == 0 || x == w - 1 || y == h - 1
                        || l[i - 1] != k || l[i + 1] != k || l[i - w] != k || l[i + w] != k;
                if (edge) {
                    float[] rgb = colour(k);
                    out[i] = rgb[0];
                    out[n + i] = rgb[1];
                    out[2 * n + i] = rgb[2];
                }
            }
        }
        return new FloatImage(w, h, 3, out);
    }

    /**
     * Renders {@link #outlines} and writes it as an 8-bit RGB file (PNG, TIFF, BMP or JPEG), atomically.
     *
     * @param image  the image the nuclei were found in, (C, H, W) in [0, 1]
     * @param labels the nuclei, same width and height
     * @param file   the target; the extension chooses the format
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public static void write(FloatImage image, LabelImage labels, Path file) throws IOException {
        ImageFileWriter.writeRgb(outlines(image, labels), file);
    }

    /**
     * The colour of label k: hue stepped by the golden ratio so neighbours differ, full saturation and
     * value. Deterministic, so the same nucleus keeps its colour across runs.
     *
     * @param k a label, ≥ 1
     * @return {r, g, b} in [0, 1]
     */
    public static float[] colour(int k) {
        double hue = (k * 0.6180339887498949) % 1.0 * 6.0;
        int sector = (int) hue;
        float f = (float) (hue - sector);
        float q = 1f - f;
        return switch (sector) {
            case 0 -> new float[] {1f, f, 0f};
            case 1 -> new float[] {q, 1f, 0f};
            case 2 -> new float[] {0f, 1f, f};
            case 3 -> new float[] {0f, q, 1f};
            case 4 -> new float[] {f, 0f, 1f};
            default -> new float[] {1f, 0f, q};
        };
    }
}
