package dev.nucleon.nn;

import dev.nucleon.core.Tensor;

/**
 * A module that computes its forward over a channel-axis concatenation without building it: a convolution reads
 * each part where it lies, so a U-Net decoder never writes concat(up-sampled, skip). Only the layers that can (a
 * leading {@code Conv2d}, a {@code Sequential} that starts with one) implement it, so it is an interface here and
 * not a method every {@link Module} carries. Callers use {@link Module#forwardConcat}, which asks for it.
 */
public interface ConcatReader {

    /**
     * {@code compute(concat(1, parts))} without building the concatenation, or null to have
     * {@link Module#forwardConcat} build it. Call it only through {@code forwardConcat} (which keeps hooks informed);
     * call children through their {@link Module#forwardConcat} or {@link Module#forward}.
     *
     * @param parts the channel-axis parts of the input, (N, C_p, H, W) each
     * @return the output, or null to have the concatenation built
     */
    Tensor computeConcat(Tensor[] parts);
}
