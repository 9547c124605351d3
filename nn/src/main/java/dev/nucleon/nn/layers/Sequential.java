package dev.nucleon.nn.layers;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.ConcatReader;
import dev.nucleon.nn.Module;

import java.util.ArrayList;
import java.util.List;

/**
 * Modules applied one after another; children are named {@code 0, 1, 2, …} (so parameters are
 * {@code 0.weight}, {@code 3.running_mean}, … as in PyTorch's {@code nn.Sequential}).
 * The output shape is the last module's.
 */
public final class Sequential extends Module implements ConcatReader {

    private final List<Module> layers = new ArrayList<>();

    /**
     * A chain of modules, each registered as a child named by its index.
     *
     * @param layers the modules, applied in order
     */
    public Sequential(Module... layers) {
        for (Module m : layers) {
            append(m);
        }
    }

    /**
     * Adds a module at the end (named by its index). Returns this.
     *
     * @param m the module
     * @return this chain
     */
    public Sequential append(Module m) {
        registerModule(String.valueOf(layers.size()), m);
        layers.add(m);
        return this;
    }

    /**
     * Replaces the module at {@code index} (its name stays the index). Returns this.
     *
     * @param index 0 ≤ index &lt; {@link #size()}
     * @param m     the new module
     * @return this chain
     */
    public Sequential replace(int index, Module m) {
        replaceModule(String.valueOf(index), m);
        layers.set(index, m);
        return this;
    }

    /**
     * {@return the module at {@code index}}
     *
     * @param index 0 ≤ index &lt; {@link #size()}
     */
    public Module get(int index) {
        return layers.get(index);
    }

    /** {@return how many modules the chain holds} */
    public int size() {
        return layers.size();
    }

    @Override
    protected Tensor compute(Tensor x) {
        return run(x, 0);
    }

    /** The first layer reads the parts ({@link Module#forwardConcat}), the others its output. */
    @Override
    public Tensor computeConcat(Tensor[] parts) {
        if (layers.isEmpty()) {
            return null;
        }
        return run(layers.get(0).forwardConcat(parts), 1);
    }

    /** Layers {@code from …} on y. */
    private Tensor run(Tensor y, int from) {
        for (Module m : layers.subList(from, layers.size())) {
            y = m.forward(y);
        }
        return y;
    }
}
