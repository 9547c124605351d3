package dev.nucleon.segmentation.patch;

import dev.nucleon.segmentation.image.FloatImage;

import java.io.IOException;

/**
 * An image that can be read a rectangle at a time, so images larger than memory can be processed by
 * {@link TiledInference}: a file read region by region ({@link ImageFileRegionSource}), a synthetic
 * image, or an in-memory {@link FloatImage} ({@link #of(FloatImage)}).
 */
public interface RegionSource {
    /** {@return the image's width W, pixels} */
    int width();

    /** {@return the image's height H, pixels} */
    int height();

    /** {@return the channels C of every region} */
    int channels();

    /**
     * {@return the (C, h, w) region [x, x+w) × [y, y+h), always inside the image}
     *
     * @param x left column, 0 ≤ x
     * @param y top row, 0 ≤ y
     * @param w width, x + w ≤ W
     * @param h height, y + h ≤ H
     * @throws IOException when the region cannot be read
     */
    FloatImage read(int x, int y, int w, int h) throws IOException;

    /**
     * {@return an in-memory image as a source}
     *
     * @param image the image (not copied)
     */
    static RegionSource of(FloatImage image) {
        return new RegionSource() {
            @Override
            public int width() {
                return image.width();
            }

            @Override
            public int height() {
                return image.height();
            }

            @Override
            public int channels() {
                return image.channels();
            }

            @Override
            public FloatImage read(int x, int y, int w, int h) {
                return image.crop(x, y, w, h);
            }
        };
    }
}
