package dev.nucleon.nn.layers;

import dev.nucleon.core.Epilogue;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;

/** {@code max(x, 0)}, elementwise; any shape → the same shape. */
public final class ReLU extends Module implements ElementwiseActivation {

    @Override
    protected Tensor compute(Tensor x) {
        return x.relu();
    }

    @Override
    public Epilogue epilogue() {
        return Epilogue.RELU;
    }
}
