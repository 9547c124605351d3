package dev.nucleon.nn;

import dev.nucleon.core.Device;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.init.Fans;
import dev.nucleon.nn.init.Initializer;
import dev.nucleon.nn.init.Initializers;

import java.util.Arrays;

/**
 * A learnable tensor of a {@link Module}: a slot whose tensor is a leaf with {@code requiresGrad}, replaced
 * when the module moves to another device and overwritten in place by optimisers and checkpoint loads.
 * Layers read it through {@link #value()} at every forward pass, so they always see the current tensor.
 *
 * <p>A parameter remembers its {@link Initializer} and fans, so {@link Module#initialize(long)} can draw
 * it again. A frozen parameter ({@link #setTrainable(boolean) setTrainable(false)}) gets no gradient, is
 * skipped by optimisers and counts as non-trainable (as a frozen Keras weight does).
 */
public final class Parameter {

    private Tensor value;
    private boolean trainable = true;
    private final Initializer initializer;
    private final Fans fans;

    /** A parameter of {@code shape} drawn from {@code initializer} with the next seed of the thread's sequence. */
    public Parameter(int[] shape, Initializer initializer) {
        this(shape, initializer, Fans.of(shape));
    }

    public Parameter(int[] shape, Initializer initializer, Fans fans) {
        ParameterBudget.charge(shape);
        this.initializer = initializer;
        this.fans = fans;
        this.value = leaf(create(shape, Initializers.nextSeed()), true);
    }

    /** A parameter holding a copy of {@code initial}; {@link Module#initialize(long)} restores this value. */
    public Parameter(Tensor initial) {
        ParameterBudget.charge(initial.shape());
        Tensor copy = initial.detach().copy();
        this.initializer = (shape, f, seed) -> copy.to(Device.CPU).copy();
        this.fans = Fans.of(initial.shape());
        this.value = leaf(initial.detach().copy(), true);
    }

    /** {@return the current tensor (a leaf that requires a gradient unless frozen)} */
    public Tensor value() {
        return value;
    }

    /** {@return the accumulated gradient, or null} */
    public Tensor grad() {
        return value.grad();
    }

    public void zeroGrad() {
        value.zeroGrad();
    }

    public int[] shape() {
        return value.shape();
    }

    public long numel() {
        return value.numel();
    }

    public Device device() {
        return value.device();
    }

    public boolean trainable() {
        return trainable;
    }

    /**
     * Freezes ({@code false}) or unfreezes the parameter; a frozen parameter's gradient is dropped.
     *
     * @param trainable false to freeze
     * @return this parameter
     */
    public Parameter setTrainable(boolean trainable) {
        this.trainable = trainable;
        value.zeroGrad();
        value.requiresGrad(trainable);
        return this;
    }

    /** Overwrites the values in place (same shape; copied across devices when needed). Not recorded. */
    public void assign(Tensor source) {
        if (!Arrays.equals(source.shape(), value.shape())) {
            throw new IllegalArgumentException("parameter: new value has shape " + Shape.str(source.shape())
                    + ", the parameter has " + Shape.str(value.shape()));
        }
        value.assign(source);
    }

    /** Draws the values again from the initialiser with {@code seed}. */
    public void reinitialize(long seed) {
        value.assign(create(value.shape(), seed));
    }

    public Initializer initializer() {
        return initializer;
    }

    public Fans fans() {
        return fans;
    }

    /** Moves to {@code device} (a new leaf there; the gradient is dropped). */
    void moveTo(Device device) {
        if (!device.equals(value.device())) {
            value = leaf(value.detach().to(device), trainable);
        }
    }

    private Tensor create(int[] shape, long seed) {
        Tensor t = initializer.create(shape, fans, seed);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalStateException("parameter: initialiser " + initializer + " returned shape "
                    + Shape.str(t.shape()) + " for " + Shape.str(shape));
        }
        return t;
    }

    private static Tensor leaf(Tensor t, boolean requiresGrad) {
        return t.requiresGrad(requiresGrad);
    }

    @Override
    public String toString() {
        return "Parameter(" + Shape.str(value.shape()) + (trainable ? "" : ", frozen") + ", init=" + initializer + ")";
    }
}
