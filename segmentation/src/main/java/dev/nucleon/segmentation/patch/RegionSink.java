package dev.nucleon.segmentation.patch;

import dev.nucleon.segmentation.image.FloatImage;

import java.io.IOException;

/** Receives the stitched output of {@link TiledInference} a rectangle at a time. */
@FunctionalInterface
public interface RegionSink {
    /**
     * The output region whose top-left corner is at (x, y).
     *
     * @param x      the region's left column in the output
     * @param y      the region's top row in the output
     * @param region (K, h, w) output values
     * @throws IOException when the region cannot be stored
     */
    void write(int x, int y, FloatImage region) throws IOException;

    /**
     * {@return a sink pasting into an in-memory image}
     *
     * @param target the output image, (K, H, W)
     */
    static RegionSink into(FloatImage target) {
        return (x, y, region) -> target.paste(region, x, y);
    }
}
