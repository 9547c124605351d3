package dev.nucleon.segmentation.patch;

import dev.nucleon.segmentation.image.FloatImage;

/**
 * What {@link TiledInference} runs on each tile, typically a network's forward pass: a (C, h, w) tile
 * in, a (C', h, w) map of the same width and height out.
 */
@FunctionalInterface
public interface TileModel {
    /**
     * Runs on one tile.
     *
     * @param tile (C, h, w) input, context margins included
     * @return (C', h, w) output of the same width and height
     */
    FloatImage apply(FloatImage tile);
}
