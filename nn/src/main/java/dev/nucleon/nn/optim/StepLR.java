package dev.nucleon.nn.optim;

/** {@code lr = base · gamma^⌊epoch / stepSize⌋}: the rate drops by {@code gamma} every {@code stepSize} epochs. */
public final class StepLR extends LearningRateScheduler {

    private final int stepSize;
    private final double gamma;

    /**
     * @param optimizer the optimiser whose learning rate this schedule sets; its current rate is the base
     * @param stepSize  epochs between drops, ≥ 1
     * @param gamma     the factor of each drop, &gt; 0
     * @throws IllegalArgumentException when out of range
     */
    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        if (stepSize < 1 || !(gamma > 0)) {
            throw new IllegalArgumentException("StepLR: need stepSize >= 1 and gamma > 0, got " + stepSize + ", " + gamma);
        }
        this.stepSize = stepSize;
        this.gamma = gamma;
    }

    @Override
    public double learningRateAt(int epoch) {
        return baseLearningRate * Math.pow(gamma, epoch / stepSize);
    }
}
