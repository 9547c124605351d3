package dev.nucleon.nn.optim;

/**
 * An epoch-indexed learning-rate schedule: call {@link #step()} once at the end of every epoch; the
 * optimiser's learning rate becomes {@link #learningRateAt(int) learningRateAt(epoch)}. The base rate is
 * the optimiser's when the scheduler is created.
 */
public abstract class LearningRateScheduler {

    /** The optimiser whose learning rate this schedule sets. */
    protected final Optimizer optimizer;
    /** The optimiser's learning rate when the schedule was created: the rate at epoch 0. */
    protected final double baseLearningRate;
    private int epoch;

    /** @param optimizer the optimiser whose learning rate this schedule sets; its current rate is the base */
    protected LearningRateScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
        this.baseLearningRate = optimizer.learningRate();
    }

    /**
     * Ends an epoch and sets the learning rate for the next.
     *
     * @return the new rate
     */
    public double step() {
        epoch++;
        double lr = learningRateAt(epoch);
        optimizer.setLearningRate(lr);
        return lr;
    }

    /** {@return epochs completed (calls of {@link #step()})} */
    public int epoch() {
        return epoch;
    }

    /**
     * Resumes at {@code epoch} (e.g. after loading a checkpoint) and sets that epoch's rate.
     *
     * @param epoch epochs completed, ≥ 0
     * @throws IllegalArgumentException when negative
     */
    public void setEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": epoch must be >= 0, got " + epoch);
        }
        this.epoch = epoch;
        optimizer.setLearningRate(learningRateAt(epoch));
    }

    /**
     * {@return the learning rate after {@code epoch} completed epochs (epoch 0 = the base rate)}
     *
     * @param epoch epochs completed, ≥ 0
     */
    public abstract double learningRateAt(int epoch);
}
