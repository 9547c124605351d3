package dev.nucleon.segmentation.dataset;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.preprocess.Grayscale;

import java.util.Arrays;

/**
 * What an image of a nuclei dataset looks like, in numbers a grouped split can cluster on: size, colour,
 * intensity and texture of the raw pixels, and (from the truth) the size and density of its nuclei.
 *
 * @param width            image width in pixels
 * @param height           image height in pixels
 * @param colour           not R = G = B everywhere (H&amp;E / brightfield colour)
 * @param brightBackground the median gray value is above 0.5 (brightfield: dark nuclei on light ground)
 * @param meanGray         mean BT.601 gray value in [0, 1]
 * @param stdGray          standard deviation of the gray values
 * @param texture          mean absolute difference between horizontally adjacent gray values (grain / blur)
 * @param redMinusBlue     mean R − B (stain hue; 0 for gray images)
 * @param nuclei           number of nuclei in the truth
 * @param medianArea       median nucleus area in pixels (0 without nuclei)
 * @param foreground       fraction of pixels inside a nucleus
 * @param touching         fraction of nuclei that touch another nucleus (8-neighbourhood)
 */
public record ImageFeatures(int width, int height, boolean colour, boolean brightBackground, double meanGray,
                            double stdGray, double texture, double redMinusBlue, int nuclei, double medianArea,
                            double foreground, double touching) {

    /**
     * Measures an image (C, H, W) in [0, 1] and its instance labels.
     *
     * @param image  (C, H, W) image in [0, 1]
     * @param labels its true instances, same width and height
     * @return the features
     */
    public static ImageFeatures of(FloatImage image, LabelImage labels) {
        FloatImage rgb = image.hasAlpha() ? image.withoutAlpha() : image;
        FloatImage gray = Grayscale.of(rgb);
        float[] g = gray.data();
        int w = gray.width(), h = gray.height(), n = g.length;
        double sum = 0, sq = 0, tex = 0;
        for (float v : g) {
            sum += v;
            sq += (double) v * v;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 1; x < w; x++) {
                tex += Math.abs(g[y * w + x] - g[y * w + x - 1]);
            }
        }
        double mean = sum / n;
        double std = Math.sqrt(Math.max(0, sq / n - mean * mean));
        float[] sorted = g.clone();
        Arrays.sort(sorted);
        boolean bright = sorted[n / 2] > 0.5f;
        double rb = 0;
        if (rgb.channels() >= 3) {
            float[] d = rgb.data();
            for (int i = 0; i < n; i++) {
                rb += d[i] - d[2 * n + i];
            }
            rb /= n;
        }
        int[] areas = labels.areas();
        int count = 0;
        long fg = 0;
        int[] present = new int[areas.length];
        for (int k = 1; k < areas.length; k++) {
            if (areas[k] > 0) {
                present[count++] = areas[k];
                fg += areas[k];
            }
        }
        double median = 0;
        if (count > 0) {
            int[] a = Arrays.copyOf(present, count);
            Arrays.sort(a);
            median = count % 2 == 1 ? a[count / 2] : 0.5 * (a[count / 2 - 1] + a[count / 2]);
        }
        return new ImageFeatures(w, h, !rgb.isGrayscale(0f), bright, mean, std, tex / Math.max(1, (w - 1) * h), rb,
                count, median, (double) fg / n, touchingFraction(labels, count));
    }

    private static double touchingFraction(LabelImage labels, int count) {
        if (count == 0) {
            return 0;
        }
        int w = labels.width(), h = labels.height();
        int[] l = labels.data();
        boolean[] touches = new boolean[labels.maxLabel() + 1];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = l[y * w + x];
                if (v == 0) {
                    continue;
                }
                for (int dy = 0; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        if (dy == 0 && dx <= 0) {
                            continue;
                        }
                        int xx = x + dx, yy = y + dy;
                        if (xx >= 0 && xx < w && yy < h) {
                            int u = l[yy * w + xx];
                            if (u != 0 && u != v) {
                                touches[u] = true;
                                touches[v] = true;
                            }
                        }
                    }
                }
            }
        }
        int t = 0;
        for (boolean b : touches) {
            if (b) {
                t++;
            }
        }
        return (double) t / count;
    }

    /** {@return equivalent diameter of the median nucleus, sqrt(4·area/π)} */
    public double medianDiameter() {
        return Math.sqrt(4 * medianArea / Math.PI);
    }
}
