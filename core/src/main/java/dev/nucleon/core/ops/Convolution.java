package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.Op;
import dev.nucleon.core.Shape;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.Tensor;

/**
 * 2-D convolution and transposed convolution (cross-correlation, as in every DL framework).
 *
 * <p>{@code conv2d}: x (N, C_in, H, W), weight (C_out, C_in/groups, kH, kW), bias (C_out) →
 * (N, C_out, H_out, W_out), {@code H_out = ⌊(H + 2·pad − dilation·(kH − 1) − 1) / stride⌋ + 1}.
 *
 * <p>{@code convTranspose2d}: x (N, C_in, H, W), weight (C_in, C_out/groups, kH, kW), bias (C_out) →
 * (N, C_out, H_out, W_out), {@code H_out = (H − 1)·stride − 2·pad + dilation·(kH − 1) + outputPad + 1}.
 * It is exactly the gradient of {@code conv2d} with respect to its input, so it reuses the same three
 * backend kernels with their roles exchanged.
 */
public final class Convolution {

    private Convolution() {
    }

    /**
     * {@return conv2d with equal stride and padding in both directions, no dilation, one group: (N, C_out, H_out,
     * W_out)}
     *
     * @param x        the input (N, C_in, H, W)
     * @param weight   (C_out, C_in, kH, kW)
     * @param bias     (C_out), or {@code null} for none
     * @param stride   the step, ≥ 1
     * @param padding  zeros added on each side, ≥ 0
     * @throws IllegalArgumentException when x or weight is not rank 4, the channels do not match the weight and
     *                                  groups, the bias is not (C_out), the output would be empty, or the tensors
     *                                  are on different devices
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(x, weight, bias, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {1, 1}, 1);
    }

    /**
     * {@return {@code conv2d(x, weight) + bias}, (N, C_out, H_out, W_out); differentiable in x, weight and bias}
     *
     * @param x        the input (N, C_in, H, W)
     * @param weight   (C_out, C_in/groups, kH, kW)
     * @param bias     (C_out), or {@code null} for none
     * @param stride   (vertical, horizontal) step, each ≥ 1
     * @param padding  (top/bottom, left/right) zeros added on each side, each ≥ 0
     * @param dilation (vertical, horizontal) spacing of the kernel taps, each ≥ 1
     * @param groups   channel groups, dividing C_in and C_out (1: dense; C_in: depthwise)
     * @throws IllegalArgumentException when x or weight is not rank 4, the channels do not match the weight and
     *                                  groups, the bias is not (C_out), the output would be empty, or the tensors
     *                                  are on different devices
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
                                int groups) {
        return conv2d(x, weight, bias, stride, padding, dilation, groups, Epilogue.NONE);
    }

    /**
     * {@code f(conv2d(x, weight) + bias)} with f = {@code activation}. Without gradients to record (inference) the
     * backend applies f as it writes the output; otherwise this is {@code Arithmetic.unary(f, conv2d(…))}, so the
     * activation's own backward runs.
     *
     * @param x        the input (N, C_in, H, W)
     * @param weight   (C_out, C_in/groups, kH, kW)
     * @param bias     (C_out), or {@code null} for none
     * @param stride   (vertical, horizontal) step, each ≥ 1
     * @param padding  (top/bottom, left/right) zeros added on each side, each ≥ 0
     * @param dilation (vertical, horizontal) spacing of the kernel taps, each ≥ 1
     * @param groups   channel groups, dividing C_in and C_out (1: dense; C_in: depthwise)
     * @param activation f, applied to every output ({@link Epilogue#NONE} for none)
     * @return (N, C_out, H_out, W_out)
     * @throws IllegalArgumentException when x or weight is not rank 4, the channels do not match the weight and
     *                                  groups, the bias is not (C_out), the output would be empty, or the tensors
     *                                  are on different devices
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
                                int groups, Epilogue activation) {
        requireRank4("conv2d", "input", x);
        requireRank4("conv2d", "weight", weight);
        int[] xs = x.shape();
        int[] ws = weight.shape();
        if (xs[1] != ws[1] * groups) {
            throw new IllegalArgumentException("conv2d: input " + Shape.str(xs) + " has " + xs[1] + " channels, weight "
                    + Shape.str(ws) + " with groups=" + groups + " expects " + ws[1] * groups);
        }
        ConvGeometry g = new ConvGeometry(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], stride[0], stride[1],
                padding[0], padding[1], dilation[0], dilation[1], groups);
        requireBias("conv2d", bias, ws[0]);
        sameDevice("conv2d", x, weight, bias);
        Tensor y = Tensor.empty(x.backend(), g.outputShape());
        boolean fused = !activation.isNone() && !Autograd.needsGrad(x, weight, bias);
        x.backend().conv2d(g, x.storage(), weight.storage(), bias == null ? null : bias.storage(), y.storage(),
                fused ? activation : Epilogue.NONE);
        if (fused) {
            return Autograd.record(y, new Op.Conv2d(g, activation), x, weight, bias); // seen by observers only
        }
        return activate(activation, Autograd.record(y, new Op.Conv2d(g, Epilogue.NONE), x, weight, bias));
    }

    /**
     * {@code conv2d(Shaping.concat(1, parts), …)}: the same value. Without gradients to record and with no op
     * observer installed, the backend reads the parts in place and the concatenation is never built (a U-Net
     * decoder's first convolution, over concat(up-sampled, skip)); otherwise the concatenation is an op of its own.
     *
     * @param parts      inputs (N, C_p, H, W) sharing N, H and W, concatenated along channels in order: Σ C_p = C_in
     * @param weight     (C_out, C_in/groups, kH, kW)
     * @param bias       (C_out), or {@code null} for none
     * @param stride     (vertical, horizontal) step, each ≥ 1
     * @param padding    (top/bottom, left/right) zeros added on each side, each ≥ 0
     * @param dilation   (vertical, horizontal) spacing of the kernel taps, each ≥ 1
     * @param groups     channel groups, dividing C_in and C_out
     * @param activation f, applied to every output ({@link Epilogue#NONE} for none)
     * @return (N, C_out, H_out, W_out)
     * @throws IllegalArgumentException when a part or the weight is not rank 4, the parts differ in N, H or W, the
     *                                  channels do not match the weight and groups, the bias is not (C_out), or
     *                                  the tensors are on different devices
     */
    public static Tensor conv2d(Tensor[] parts, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                int[] dilation, int groups, Epilogue activation) {
        Tensor[] inputs = java.util.Arrays.copyOf(parts, parts.length + 2);
        inputs[parts.length] = weight;
        inputs[parts.length + 1] = bias;
        if (parts.length == 1 || Autograd.isObserved() || Autograd.needsGrad(inputs)) {
            return conv2d(Shaping.concat(1, parts), weight, bias, stride, padding, dilation, groups, activation);
        }
        requireRank4("conv2d", "weight", weight);
        int[] first = parts[0].shape();
        int[] partChannels = new int[parts.length];
        Storage[] storages = new Storage[parts.length];
        int channels = 0;
        for (int p = 0; p < parts.length; p++) {
            requireRank4("conv2d", "input part " + p, parts[p]);
            int[] s = parts[p].shape();
            if (s[0] != first[0] || s[2] != first[2] || s[3] != first[3]) {
                throw new IllegalArgumentException("conv2d: input parts to concatenate along channels differ in batch or "
                        + "size: " + Shape.str(first) + " and " + Shape.str(s));
            }
            sameDevice("conv2d", parts[p], weight, bias);
            partChannels[p] = s[1];
            storages[p] = parts[p].storage();
            channels += s[1];
        }
        int[] ws = weight.shape();
        if (channels != ws[1] * groups) {
            throw new IllegalArgumentException("conv2d: input parts have " + channels + " channels in all, weight "
                    + Shape.str(ws) + " with groups=" + groups + " expects " + ws[1] * groups);
        }
        ConvGeometry g = new ConvGeometry(first[0], channels, first[2], first[3], ws[0], ws[2], ws[3], stride[0],
                stride[1], padding[0], padding[1], dilation[0], dilation[1], groups);
        requireBias("conv2d", bias, ws[0]);
        Tensor y = Tensor.empty(weight.backend(), g.outputShape());
        weight.backend().conv2d(g, storages, partChannels, weight.storage(), bias == null ? null : bias.storage(),
                y.storage(), activation);
        return y;
    }

    /**
     * {@return the transposed convolution with equal stride and paddings in both directions, no dilation, one
     * group: (N, C_out, H_out, W_out)}
     *
     * @param x             the input (N, C_in, H, W)
     * @param weight        (C_in, C_out, kH, kW)
     * @param bias          (C_out), or {@code null} for none
     * @param stride        the up-sampling step, ≥ 1 (2 with a 2×2 kernel doubles H and W)
     * @param padding       cells removed from each side of the output, ≥ 0
     * @param outputPadding cells added to the bottom and right of the output, to pick one of the sizes a strided
     *                      conv2d maps to the same H; less than the stride
     * @throws IllegalArgumentException when x or weight is not rank 4, the channels do not match, the bias is not
     *                                  (C_out), a size is out of range, or the tensors are on different devices
     */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding,
                                         int outputPadding) {
        return convTranspose2d(x, weight, bias, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {outputPadding, outputPadding}, new int[] {1, 1}, 1);
    }

    /**
     * {@return {@code convTranspose2d(x, weight) + bias}, (N, C_out, H_out, W_out); differentiable in x, weight and
     * bias}
     *
     * @param x             the input (N, C_in, H, W)
     * @param weight        (C_in, C_out/groups, kH, kW)
     * @param bias          (C_out), or {@code null} for none
     * @param stride        (vertical, horizontal) up-sampling step, each ≥ 1
     * @param padding       (top/bottom, left/right) cells removed from each side of the output, each ≥ 0
     * @param outputPadding (bottom, right) cells added to the output, each less than its stride
     * @param dilation      (vertical, horizontal) spacing of the kernel taps, each ≥ 1
     * @param groups        channel groups, dividing C_in
     * @throws IllegalArgumentException when x or weight is not rank 4, the channels do not match the weight and
     *                                  groups, the bias is not (C_out), a size is out of range, or the tensors are
     *                                  on different devices
     */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                         int[] outputPadding, int[] dilation, int groups) {
        return convTranspose2d(x, weight, bias, stride, padding, outputPadding, dilation, groups, Epilogue.NONE);
    }

    /**
     * {@return {@code f(convTranspose2d(x, weight) + bias)}, fused as in {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int, Epilogue)}}
     *
     * @param x             the input (N, C_in, H, W)
     * @param weight        (C_in, C_out/groups, kH, kW)
     * @param bias          (C_out), or {@code null} for none
     * @param stride        (vertical, horizontal) up-sampling step, each ≥ 1
     * @param padding       (top/bottom, left/right) cells removed from each side of the output, each ≥ 0
     * @param outputPadding (bottom, right) cells added to the output, each less than its stride
     * @param dilation      (vertical, horizontal) spacing of the kernel taps, each ≥ 1
     * @param groups        channel groups, dividing C_in
     * @param activation    f, applied to every output ({@link Epilogue#NONE} for none)
     * @throws IllegalArgumentException when x or weight is not rank 4, the channels do not match the weight and
     *                                  groups, the bias is not (C_out), a size is out of range, or the tensors are
     *                                  on different devices
     */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                         int[] outputPadding, int[] dilation, int groups, Epilogue activation) {
        requireRank4("conv_transpose2d", "input", x);
        requireRank4("conv_transpose2d", "weight", weight);
        int[] xs = x.shape();
        int[] ws = weight.shape();
        if (xs[1] != ws[0]) {
            throw new IllegalArgumentException("conv_transpose2d: input " + Shape.str(xs) + " has " + xs[1]
                    + " channels, weight " + Shape.str(ws) + " expects " + ws[0] + " (weight layout is (C_in, C_out/groups, kH, kW))");
        }
        if (ws[0] % groups != 0) {
            throw new IllegalArgumentException("conv_transpose2d: groups=" + groups + " must divide input channels " + ws[0]);
        }
        int outChannels = ws[1] * groups;
        ConvGeometry g = ConvGeometry.forTranspose(xs[0], xs[1], xs[2], xs[3], outChannels, ws[2], ws[3],
                stride[0], stride[1], padding[0], padding[1], outputPadding[0], outputPadding[1],
                dilation[0], dilation[1], groups);
        requireBias("conv_transpose2d", bias, outChannels);
        sameDevice("conv_transpose2d", x, weight, bias);
        Tensor y = Tensor.empty(x.backend(), g.inputShape());
        boolean fused = !activation.isNone() && !Autograd.needsGrad(x, weight, bias);
        x.backend().convTranspose2d(g, x.storage(), weight.storage(), bias == null ? null : bias.storage(), y.storage(),
                fused ? activation : Epilogue.NONE);
        if (fused) {
            return Autograd.record(y, new Op.ConvTranspose2d(g, outputPadding[0], outputPadding[1], activation), x,
                    weight, bias); // seen by observers only
        }
        return activate(activation, Autograd.record(y,
                new Op.ConvTranspose2d(g, outputPadding[0], outputPadding[1], Epilogue.NONE), x, weight, bias));
    }

    /** The unfused activation (recorded for autograd like any unary op). */
    private static Tensor activate(Epilogue activation, Tensor y) {
        return activation.isNone() ? y : Arithmetic.unary(activation.op(), activation.p1(), 0f, y);
    }

    static void requireRank4(String op, String what, Tensor t) {
        if (t.rank() != 4) {
            throw new IllegalArgumentException(op + ": " + what + " must be 4-D (N, C, H, W)"
                    + (what.equals("weight") ? " / (C_out, C_in/groups, kH, kW)" : "") + ", got " + Shape.str(t.shape()));
        }
    }

    private static void requireBias(String op, Tensor bias, int channels) {
        if (bias != null && (bias.rank() != 1 || bias.size(0) != channels)) {
            throw new IllegalArgumentException(op + ": bias has shape " + Shape.str(bias.shape()) + ", expected ["
                    + channels + "]");
        }
    }

    private static void sameDevice(String op, Tensor x, Tensor w, Tensor bias) {
        Arithmetic.requireSameDevice(op, x, w);
        if (bias != null) {
            Arithmetic.requireSameDevice(op, x, bias);
        }
    }
}
