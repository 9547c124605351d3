package dev.nucleon.fiji;

import ij.ImagePlus;
import ij.process.ShortProcessor;

import java.util.Random;

/** Seeded synthetic fluorescence images: bright disks (nuclei) on a dark, noisy background. */
final class SyntheticNuclei {
    private SyntheticNuclei() {
    }

    /**
     * A 16-bit plane of {@code size}² pixels with a grid of disks of radius 8–11 px (about the bundled model's
     * training size, so no rescaling), 36 px apart, at 2000 + noise over a background of 200 + noise.
     */
    static ShortProcessor disks(int size, long seed) {
        Random random = new Random(seed);
        short[] px = new short[size * size];
        for (int i = 0; i < px.length; i++) {
            px[i] = (short) (200 + random.nextInt(60));
        }
        for (int cy = 24; cy < size - 16; cy += 36) {
            for (int cx = 24; cx < size - 16; cx += 36) {
                double r = 8 + random.nextInt(4);
                int ox = cx + random.nextInt(7) - 3, oy = cy + random.nextInt(7) - 3;
                for (int y = (int) (oy - r - 1); y <= oy + r + 1; y++) {
                    for (int x = (int) (ox - r - 1); x <= ox + r + 1; x++) {
                        double d = Math.hypot(x - ox, y - oy);
                        if (d <= r) {
                            px[y * size + x] = (short) (2000 + random.nextInt(400));
                        }
                    }
                }
            }
        }
        return new ShortProcessor(size, size, px, null);
    }

    /** Noise only, 16-bit: a channel without nuclei. */
    static ShortProcessor noise(int size, long seed) {
        Random random = new Random(seed);
        short[] px = new short[size * size];
        for (int i = 0; i < px.length; i++) {
            px[i] = (short) (200 + random.nextInt(2000));
        }
        return new ShortProcessor(size, size, px, null);
    }

    /** One plane of disks, calibrated at {@code micronsPerPixel} µm/px. */
    static ImagePlus calibrated(int size, long seed, double micronsPerPixel) {
        ImagePlus image = new ImagePlus("nuclei.tif", disks(size, seed));
        image.getCalibration().pixelWidth = micronsPerPixel;
        image.getCalibration().pixelHeight = micronsPerPixel;
        image.getCalibration().setUnit("micron");
        return image;
    }
}
