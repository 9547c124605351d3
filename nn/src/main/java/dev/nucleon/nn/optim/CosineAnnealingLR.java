package dev.nucleon.nn.optim;

/**
 * Cosine annealing (Loshchilov &amp; Hutter 2017, without restarts):
 * {@code lr = minLr + (base − minLr)·(1 + cos(π·epoch / tMax)) / 2} for {@code epoch ≤ tMax}, then
 * {@code minLr}.
 */
public final class CosineAnnealingLR extends LearningRateScheduler {

    private final int tMax;
    private final double minLr;

    /**
     * @param optimizer the optimiser whose learning rate this schedule sets; its current rate is the base
     * @param tMax      epochs of the half cosine, ≥ 1
     * @param minLr     the rate at and after {@code tMax}, ≥ 0
     * @throws IllegalArgumentException when out of range
     */
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double minLr) {
        super(optimizer);
        if (tMax < 1 || !(minLr >= 0)) {
            throw new IllegalArgumentException("CosineAnnealingLR: need tMax >= 1 and minLr >= 0, got " + tMax + ", " + minLr);
        }
        this.tMax = tMax;
        this.minLr = minLr;
    }

    @Override
    public double learningRateAt(int epoch) {
        int e = Math.min(epoch, tMax);
        return minLr + (baseLearningRate - minLr) * (1 + Math.cos(Math.PI * e / tMax)) / 2;
    }
}
