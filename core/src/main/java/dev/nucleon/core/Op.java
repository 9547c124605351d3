package dev.nucleon.core;

import dev.nucleon.core.backend.UnaryOp;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.PoolGeometry;
import dev.nucleon.core.backend.UpsampleMode;

import java.util.Locale;

/**
 * What an op did, as a typed value: the autograd graph records one per op ({@link Autograd#record}), the gradient
 * rules ({@link GradientRules}) switch on it, and op observers (the ONNX exporter) read it. A record holds the op's
 * attributes — geometry, axis, the function and its parameters — and, where the backward pass needs it, what the
 * forward pass saved (a mask, the batch statistics); the inputs and the output are kept by the graph node beside it.
 *
 * <p>Adding an op: add a record here, a rule in {@link GradientRules}, and (when it should be exportable) a case in
 * the ONNX exporter.
 */
public sealed interface Op {

    /** {@return the op's name in messages, e.g. {@code conv2d} or {@code relu}} */
    default String name() {
        String simple = getClass().getSimpleName();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < simple.length(); i++) {
            char c = simple.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && !Character.isDigit(simple.charAt(i - 1))) {
                b.append('_');
            }
            b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }

    // ----- elementwise ------------------------------------------------------------------------------------

    /**
     * y = op(x; p1, p2), elementwise (see {@link UnaryOp}, the table of these functions).
     *
     * @param op the function
     * @param p1 its first parameter (ELU's α, leaky ReLU's slope, pow's exponent, clamp's lower bound, …)
     * @param p2 its second parameter (clamp's upper bound), ignored by the others
     */
    record Unary(UnaryOp op, float p1, float p2) implements Op {
        @Override
        public String name() {
            return op.name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * out = op(a, b), with NumPy broadcasting; recorded for {@link BinaryOp#ADD}, SUB, MUL and DIV.
     *
     * @param op the function
     */
    record Binary(BinaryOp op) implements Op {
        @Override
        public String name() {
            return op.name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * c = op(a) · op(b), batched over the leading axes.
     *
     * @param transA whether a's last two axes were read swapped
     * @param transB whether b's were
     */
    record MatMul(boolean transA, boolean transB) implements Op {
    }

    // ----- convolution, pooling, normalisation, resampling ------------------------------------------------

    /**
     * y = f(conv2d(x, w) + b); inputs (x, weight, bias or null).
     *
     * @param geometry the sizes, strides, padding, dilation and groups
     * @param epilogue f, applied as the output was written ({@link Epilogue#NONE} whenever a gradient is recorded:
     *                 under autograd the activation is an op of its own)
     */
    record Conv2d(ConvGeometry geometry, Epilogue epilogue) implements Op {
    }

    /**
     * y = f(convTranspose2d(x, w) + b); inputs (x, weight, bias or null).
     *
     * @param geometry      the equivalent convolution's geometry ({@link ConvGeometry#forTranspose}): its input is y,
     *                      its output x
     * @param outputPadH    rows added at the bottom of y
     * @param outputPadW    columns added at the right of y
     * @param epilogue      f, as for {@link Conv2d}
     */
    record ConvTranspose2d(ConvGeometry geometry, int outputPadH, int outputPadW, Epilogue epilogue) implements Op {
    }

    /**
     * y = the maximum of each window of x.
     *
     * @param geometry the windows
     */
    record MaxPool2d(PoolGeometry geometry) implements Op {
    }

    /**
     * y = the mean of each window of x.
     *
     * @param geometry the windows (and whether padded cells count)
     */
    record AvgPool2d(PoolGeometry geometry) implements Op {
    }

    /**
     * y = (x − μ)·invStd·γ + β per channel; inputs (x, runningMean, runningVar, gamma, beta), any of the last four
     * may be null.
     *
     * @param training whether μ and σ² were this batch's (true) or the running statistics (false)
     * @param eps      ε, added to the variance
     * @param mean     μ as used (C), saved for the backward pass
     * @param invStd   1/√(σ² + ε) as used (C), saved for the backward pass
     * @param scale    γ as used (C): gamma, or ones when gamma is null
     */
    record BatchNorm2d(boolean training, float eps, Tensor mean, Tensor invStd, Tensor scale) implements Op {
    }

    /**
     * y = x up-sampled by an integer factor.
     *
     * @param mode   nearest or bilinear
     * @param factor the scale, ≥ 1
     */
    record Upsample(UpsampleMode mode, int factor) implements Op {
    }

    /**
     * y = softmax(x) or log-softmax(x) along one axis.
     *
     * @param axis the axis (non-negative)
     * @param log  whether this is the log-softmax
     */
    record Softmax(int axis, boolean log) implements Op {
    }

    // ----- reductions ----------------------------------------------------------------------------------------

    /**
     * y = Σ x over the axes where {@code keptShape} has size 1 (the reduced axes kept as size 1).
     *
     * @param keptShape x's shape with the reduced axes set to 1
     */
    record Sum(int[] keptShape) implements Op {
    }

    /**
     * y = max x over the axes where {@code keptShape} has size 1.
     *
     * @param keptShape x's shape with the reduced axes set to 1
     */
    record Max(int[] keptShape) implements Op {
    }

    // ----- shape and layout -----------------------------------------------------------------------------------

    /** y = x viewed with another shape of the same element count. */
    record Reshape() implements Op {
    }

    /**
     * y = x with its axes reordered: output axis d is input axis {@code perm[d]}.
     *
     * @param perm the permutation (non-negative entries)
     */
    record Permute(int[] perm) implements Op {
    }

    /**
     * y = the box of x starting at {@code start}, of y's shape.
     *
     * @param start the box's first index on each axis
     */
    record Crop(int[] start) implements Op {
    }

    /**
     * y = x with {@code before[d]} elements of {@code value} ahead of axis d and {@code after[d]} behind it.
     *
     * @param before elements added ahead of each axis
     * @param after  elements added behind each axis
     * @param value  the added elements' value
     */
    record Pad(int[] before, int[] after, float value) implements Op {
    }

    /**
     * y = the inputs joined along {@code axis}, in order.
     *
     * @param axis the axis (non-negative)
     */
    record Concat(int axis) implements Op {
    }

    /** y = x broadcast (materialised) to y's shape. */
    record Expand() implements Op {
    }

    /**
     * y = x copied to another device.
     *
     * @param device the device y is on
     */
    record ToDevice(Device device) implements Op {
    }

    // ----- regularisation and losses -------------------------------------------------------------------------

    /**
     * y = x · mask, the inverted-dropout mask (0 or 1/(1 − p)).
     *
     * @param p    the drop probability
     * @param mask the mask, x's shape, saved for the backward pass
     */
    record Dropout(float p, Tensor mask) implements Op {
    }

    /** The negative log-likelihood, mean over positions; inputs (logp (N, K, …), target (N, …)). */
    record NllLoss() implements Op {
    }

    /**
     * The mean over every element of an elementwise loss; inputs (prediction, target).
     *
     * @param loss     the loss, e.g. {@link BinaryOp#BCE}
     * @param gradient its derivative in the prediction, e.g. {@link BinaryOp#BCE_GRAD}
     */
    record ElementwiseLoss(BinaryOp loss, BinaryOp gradient) implements Op {
    }
}
