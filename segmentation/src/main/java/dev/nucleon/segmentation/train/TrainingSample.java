package dev.nucleon.segmentation.train;

import dev.nucleon.segmentation.dataset.ImageKind;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;

/**
 * An image ready for the network ({@link dev.nucleon.segmentation.preprocess.NetworkInput}, (1, H, W)) with
 * its instance labels and its kind.
 */
public record TrainingSample(String id, FloatImage input, LabelImage labels, ImageKind kind) {
}
