package dev.nucleon.segmentation.dataset;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * An image ready for the network (converted by {@link dev.nucleon.segmentation.preprocess.NetworkInput}, (C, H, W))
 * with its instance labels and its kind: what training draws patches from and what a recipe's validation scores.
 */
public record TrainingSample(String id, FloatImage input, LabelImage labels, ImageKind kind) {
}
