package dev.nucleon.nn.optim;

/**
 * An epoch-indexed learning-rate schedule: call {@link #step()} once at the end of every epoch; the
 * optimiser's learning rate becomes {@link #learningRateAt(int) learningRateAt(epoch)}. The base rate is
 * the optimiser's when the scheduler is created.
 */
public abstract class LearningRateScheduler {

    protected final Optimizer optimizer;
    protected final double baseLearningRate;
    private int epoch;

    protected LearningRateScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
        this.baseLearningRate = optimizer.learningRate();
    }

    /** {@return ends an epoch and sets the learning rate for the next. Returns the new rate} */
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

    /** Resumes at {@code epoch} (e.g. after loading a checkpoint) and sets that epoch's rate. */
    public void setEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": epoch must be >= 0, got " + epoch);
        }
        this.epoch = epoch;
        optimizer.setLearningRate(learningRateAt(epoch));
    }

    /** {@return the learning rate after {@code epoch} completed epochs (epoch 0 = the base rate)} */
    public abstract double learningRateAt(int epoch);
}
