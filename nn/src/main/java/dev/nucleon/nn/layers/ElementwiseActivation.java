package dev.nucleon.nn.layers;

import dev.nucleon.core.Epilogue;

/**
 * An activation layer that is one elementwise function, so a convolution can apply it as its epilogue
 * ({@link Conv2d#fuseActivation}) and the ONNX exporter can write it as one node. Implemented by {@link ReLU},
 * {@link LeakyReLU}, {@link ELU} and {@link Sigmoid}.
 */
public interface ElementwiseActivation {

    /** {@return the function this layer computes, as an epilogue} */
    Epilogue epilogue();
}
