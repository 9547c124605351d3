package dev.nucleon.nn.layers;

import dev.nucleon.core.Epilogue;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.UnaryOp;
import dev.nucleon.nn.Module;

/** {@code 1 / (1 + e^−x)}, elementwise; any shape → the same shape. */
public final class Sigmoid extends Module implements ElementwiseActivation {

    @Override
    protected Tensor compute(Tensor x) {
        return x.sigmoid();
    }

    @Override
    public Epilogue epilogue() {
        return new Epilogue(UnaryOp.SIGMOID, 0f);
    }
}
