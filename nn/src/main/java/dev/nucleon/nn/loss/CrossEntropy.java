package dev.nucleon.nn.loss;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Losses;

/**
 * Multi-class cross-entropy per pixel on logits: prediction (N, K, H, W) class scores, target (N, H, W)
 * class indices 0 … K−1 stored as floats; mean over the N·H·W positions of {@code −log softmax(x)[target]}
 * (PyTorch's {@code CrossEntropyLoss}; works for any (N, K, …) / (N, …) pair).
 */
public final class CrossEntropy implements Loss {

    @Override
    public Tensor compute(Tensor logits, Tensor classIndices) {
        return Losses.crossEntropy(logits, classIndices);
    }
}
