package dev.nucleon.nn;

import java.util.Locale;

/**
 * Parameter counts in Keras's split: trainable parameters (learned by the optimiser) and non-trainable ones
 * (buffers such as batch-norm running statistics, and frozen parameters).
 */
public record ParameterCount(long trainable, long nonTrainable) {

    /** {@return trainable + non-trainable} */
    public long total() {
        return trainable + nonTrainable;
    }

    /**
     * {@return {@code 31055297} → {@code "31,055,297"}}
     *
     * @param n a count
     */
    public static String withSeparators(long n) {
        return String.format(Locale.US, "%,d", n);
    }

    @Override
    public String toString() {
        return "Total params: " + withSeparators(total()) + "\nTrainable params: " + withSeparators(trainable)
                + "\nNon-trainable params: " + withSeparators(nonTrainable);
    }
}
