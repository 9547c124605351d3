package dev.nucleon.nn.layers;

import dev.nucleon.core.backend.Epilogue;

/**
 * An activation layer that is one elementwise function, so a convolution can apply it as its epilogue
 * ({@link Conv2d#fuseActivation}). Implemented by {@link Activation} (any activation of the
 * {@link dev.nucleon.core.backend.UnaryOp} table) and its named forms.
 */
public interface ElementwiseActivation {

    /** {@return the function this layer computes, as an epilogue} */
    Epilogue epilogue();
}
