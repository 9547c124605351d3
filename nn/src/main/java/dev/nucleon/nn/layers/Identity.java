package dev.nucleon.nn.layers;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;

/** Returns its input unchanged (a placeholder, e.g. the shortcut of a residual block). */
public final class Identity extends Module {

    @Override
    protected Tensor compute(Tensor x) {
        return x;
    }
}
