package dev.nucleon.core.ops;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.backend.BinaryOp;
import dev.nucleon.core.Op;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;

import java.util.Arrays;

/**
 * Losses averaged over every element (or every pixel, for cross-entropy). Targets are constants: no
 * gradient flows into them.
 */
public final class Losses {

    private Losses() {
    }

    /**
     * Binary cross-entropy on probabilities p ∈ [0, 1]: mean of −[t·ln p + (1 − t)·ln(1 − p)], with p
     * clamped to [ε, 1 − ε], ε = {@value BinaryOp#BCE_EPSILON} (Keras's clamp) so a saturated prediction
     * gives a large finite loss rather than infinity.
     *
     * @param p      probabilities, any shape
     * @param target targets in [0, 1], p's shape (a constant: no gradient)
     * @return the mean loss, a scalar (rank 0), differentiable in p
     * @throws IllegalArgumentException when the prediction and target shapes differ
     */
    public static Tensor binaryCrossEntropy(Tensor p, Tensor target) {
        return elementwiseMean("binary_cross_entropy", BinaryOp.BCE, BinaryOp.BCE_GRAD, p, target);
    }

    /**
     * Binary cross-entropy on logits x, stable for any x: mean of max(x, 0) − x·t + ln(1 + e^−|x|);
     * the gradient is (σ(x) − t)/count.
     *
     * @param x      logits (scores before the sigmoid), any shape
     * @param target targets in [0, 1], x's shape (a constant: no gradient)
     * @return the mean loss, a scalar (rank 0), differentiable in x
     * @throws IllegalArgumentException when the prediction and target shapes differ
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor x, Tensor target) {
        return elementwiseMean("binary_cross_entropy_with_logits", BinaryOp.BCE_LOGITS, BinaryOp.BCE_LOGITS_GRAD, x,
                target);
    }

    /**
     * Softmax cross-entropy: logits (N, K, …) and class indices (N, …) stored as floats 0 … K−1;
     * mean over all N·… positions of −log softmax(logits)[target].
     *
     * @param logits class scores (N, K, …), the class axis 1
     * @param target class indices (N, …) as floats 0 … K−1 (a constant: no gradient)
     * @return the mean loss, a scalar (rank 0), differentiable in the logits
     * @throws IllegalArgumentException when the logits have fewer than 2 axes, the target's shape is not theirs
     *                                  without axis 1, or the tensors are on different devices
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        checkTarget("cross_entropy", logits, target);
        return nllLoss(Softmax.logSoftmax(logits, 1), target);
    }

    /**
     * {@return the negative log-likelihood, mean over all N·… positions of −logp[target]: a scalar (rank 0),
     * differentiable in logp}
     *
     * @param logp   log-probabilities (N, K, …), e.g. a {@link Softmax#logSoftmax} over axis 1
     * @param target class indices (N, …) as floats 0 … K−1 (a constant: no gradient)
     * @throws IllegalArgumentException when logp has fewer than 2 axes, the target's shape is not its shape without
     *                                  axis 1, or the tensors are on different devices
     */
    public static Tensor nllLoss(Tensor logp, Tensor target) {
        int[] ls = logp.shape();
        int[] expected = checkTarget("nll_loss", logp, target);
        int outer = ls[0];
        int classes = ls[1];
        int inner = Shape.product(ls, 2, ls.length);
        Tensor perPosition = Tensor.zeros(logp.backend(), expected);
        logp.backend().nllLoss(logp.storage(), target.storage(), perPosition.storage(), outer, classes, inner);
        float scale = 1f / perPosition.numel();
        Tensor loss;
        try (var scope = Autograd.noGrad()) {
            loss = perPosition.sum().mul(scale);
        }
        return Autograd.record(loss, new Op.NllLoss(), logp, target);
    }

    /** Checks scores (N, K, …) against class-index targets (N, …); returns the target shape. */
    private static int[] checkTarget(String name, Tensor scores, Tensor target) {
        int[] ls = scores.shape();
        if (ls.length < 2) {
            throw new IllegalArgumentException(name + ": scores must be (N, K, …), got " + Shape.str(ls));
        }
        int[] expected = new int[ls.length - 1];
        expected[0] = ls[0];
        System.arraycopy(ls, 2, expected, 1, ls.length - 2);
        if (!Arrays.equals(target.shape(), expected)) {
            throw new IllegalArgumentException(name + ": target shape " + Shape.str(target.shape())
                    + " must be the scores' shape " + Shape.str(ls) + " without the class axis, " + Shape.str(expected));
        }
        Arithmetic.requireSameDevice(name, scores, target);
        return expected;
    }

    /**
     * {@return the mean squared error, mean of (prediction − target)² over every element: a scalar (rank 0)}
     *
     * @param prediction any shape
     * @param target     the prediction's shape (differentiable too, unlike the other losses' targets)
     * @throws IllegalArgumentException when the prediction and target shapes differ
     */
    public static Tensor mse(Tensor prediction, Tensor target) {
        requireSameShape("mse", prediction, target);
        return prediction.sub(target).pow(2f).mean();
    }

    private static Tensor elementwiseMean(String name, BinaryOp loss, BinaryOp grad, Tensor prediction, Tensor target) {
        requireSameShape(name, prediction, target);
        Tensor perElement = Arithmetic.binary(name, loss, prediction, target);
        float scale = 1f / Math.max(1, perElement.numel());
        Tensor out;
        try (var scope = Autograd.noGrad()) {
            out = perElement.sum().mul(scale);
        }
        return Autograd.record(out, new Op.ElementwiseLoss(loss, grad), prediction, target);
    }

    private static void requireSameShape(String name, Tensor prediction, Tensor target) {
        if (!Arrays.equals(prediction.shape(), target.shape())) {
            throw new IllegalArgumentException(name + ": prediction " + Shape.str(prediction.shape()) + " and target "
                    + Shape.str(target.shape()) + " must have the same shape");
        }
    }
}
