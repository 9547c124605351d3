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

    /**
     * A parameter of {@code shape} drawn from {@code initializer} with the next seed of the thread's sequence.
     *
     * @param shape       the sizes
     * @param initializer draws the values (fans from the shape, {@link Fans#of})
     */
    public Parameter(int[] shape, Initializer initializer) {
        this(shape, initializer, Fans.of(shape));
    }

    /**
     * A parameter of {@code shape} drawn from {@code initializer} with explicit fans.
     *
     * @param shape       the sizes
     * @param initializer draws the values
     * @param fans        the fans the initialiser scales by
     */
    public Parameter(int[] shape, Initializer initializer, Fans fans) {
        ParameterBudget.charge(shape);
        this.initializer = initializer;
        this.fans = fans;
        this.value = leaf(create(shape, Initializers.nextSeed()), true);
    }

    /**
     * A parameter holding a copy of {@code initial}; {@link Module#initialize(long)} restores this value.
     *
     * @param initial the initial value (copied)
     */
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

    /** Forgets the accumulated gradient. */
    public void zeroGrad() {
        value.zeroGrad();
    }

    /** {@return a copy of the shape} */
    public int[] shape() {
        return value.shape();
    }

    /** {@return the number of values} */
    public long numel() {
        return value.numel();
    }

    /** {@return the device the value lives on} */
    public Device device() {
        return value.device();
    }

    /** {@return whether the optimiser updates it (false when frozen)} */
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

    /**
     * Overwrites the values in place (same shape; copied across devices when needed). Not recorded.
     *
     * @param source the new values, this parameter's shape
     * @throws IllegalArgumentException when the shapes differ
     */
    public void assign(Tensor source) {
        if (!Arrays.equals(source.shape(), value.shape())) {
            throw new IllegalArgumentException("parameter: new value has shape " + Shape.str(source.shape())
                    + ", the parameter has " + Shape.str(value.shape()));
        }
        value.assign(source);
    }

    /**
     * Draws the values again from the initialiser with {@code seed}.
     *
     * @param seed the seed
     */
    public void reinitialize(long seed) {
        value.assign(create(value.shape(), seed));
    }

    /**
     * {@return the initialiser the values are drawn from (for a parameter made from a tensor: that tensor again)}
     */
    public Initializer initializer() {
        return initializer;
    }

    /** {@return the fans the initialiser scales by} */
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
