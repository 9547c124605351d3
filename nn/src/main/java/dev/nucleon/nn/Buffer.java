package dev.nucleon.nn;

import dev.nucleon.core.Device;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;

import java.util.Arrays;

/**
 * State of a {@link Module} that is saved and moved with it but not learned by gradient descent, such as
 * batch normalisation's running mean and variance. Buffers count as non-trainable parameters in
 * {@link Module#parameterCount()} (Keras's convention for batch-norm statistics). Layers update a buffer in
 * place ({@link Tensor#assign}) and read it through {@link #value()}.
 */
public final class Buffer {

    private Tensor value;
    private final Tensor initial;

    /**
     * A buffer starting as a copy of {@code initial}; {@link Module#initialize(long)} resets it to that.
     *
     * @param initial the initial value (copied)
     */
    public Buffer(Tensor initial) {
        ParameterBudget.charge(initial.shape());
        this.initial = initial.detach().to(Device.CPU).copy();
        this.value = initial.detach().copy();
    }

    /** {@return the current value (never requires a gradient)} */
    public Tensor value() {
        return value;
    }

    /** {@return a copy of the shape} */
    public int[] shape() {
        return value.shape();
    }

    /** {@return the number of values} */
    public long numel() {
        return value.numel();
    }

    /**
     * Overwrites the values in place (same shape).
     *
     * @param source the new values, this buffer's shape
     */
    public void assign(Tensor source) {
        if (!Arrays.equals(source.shape(), value.shape())) {
            throw new IllegalArgumentException("buffer: new value has shape " + Shape.str(source.shape())
                    + ", the buffer has " + Shape.str(value.shape()));
        }
        value.assign(source);
    }

    /** Back to the initial value. */
    public void reset() {
        value.assign(initial);
    }

    void moveTo(Device device) {
        if (!device.equals(value.device())) {
            value = value.detach().to(device);
        }
    }

    @Override
    public String toString() {
        return "Buffer(" + Shape.str(value.shape()) + ")";
    }
}
