package dev.nucleon.segmentation.loss;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.loss.BinaryCrossEntropy;
import dev.nucleon.nn.loss.Loss;

/**
 * Paper 003's BCE-Dice loss on probabilities: {@code BCE(p, y) + (1 − D(p, y))}, binary cross-entropy (mean
 * over elements, p clamped to [1e-7, 1 − 1e-7]) plus the soft Dice loss over the batch ({@link DiceLoss},
 * smoothing 1), the combination that "handles the class imbalance problem". Any shape; prediction and target
 * alike.
 */
public final class BceDiceLoss implements Loss {

    private final Loss bce = new BinaryCrossEntropy();
    private final DiceLoss dice;

    /** The paper's loss: Dice smoothing {@value SoftDice#DEFAULT_SMOOTH}. */
    public BceDiceLoss() {
        this(SoftDice.DEFAULT_SMOOTH);
    }

    /** @param smooth the Dice smoothing term s ≥ 0 ({@link SoftDice}) */
    public BceDiceLoss(float smooth) {
        this.dice = new DiceLoss(smooth, false);
    }

    @Override
    public Tensor compute(Tensor probabilities, Tensor target) {
        return bce.compute(probabilities, target).add(dice.compute(probabilities, target));
    }

    @Override
    public String toString() {
        return "BceDiceLoss(" + dice + ")";
    }
}
