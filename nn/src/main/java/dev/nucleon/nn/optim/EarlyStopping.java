package dev.nucleon.nn.optim;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;

import java.util.Map;

/**
 * Stops training when a monitored metric has not improved for {@code patience} epochs — Keras's
 * {@code EarlyStopping} (paper 000: patience 7; paper 003: stop after 10). Call
 * {@link #update(double, Module)} once per epoch; it returns true when training should stop.
 *
 * <p>An improvement is {@code metric < best − minDelta} ({@link Mode#MIN}; mirrored for MAX). With
 * {@code restoreBestWeights} the model's state (parameters and buffers) is copied at each improvement and
 * put back when stopping; {@link #restoreBest(Module)} also does it on demand (e.g. when the epoch budget
 * ends first — Keras only restores on an early stop).
 *
 * <p>Defaults (Keras): mode MIN, patience 0, minDelta 0, no restoring.
 */
public final class EarlyStopping {

    private Mode mode = Mode.MIN;
    private int patience;
    private double minDelta;
    private boolean restoreBestWeights;

    private double best = Double.NaN;
    private int bestEpoch = -1;
    private int epoch;
    private int wait;
    private boolean stopped;
    private Map<String, Tensor> bestState;

    /**
     * Sets whether the metric should fall ({@link Mode#MIN}, the default) or rise ({@link Mode#MAX}).
     *
     * @param mode the direction of improvement
     * @return this callback
     */
    public EarlyStopping mode(Mode mode) {
        this.mode = mode;
        return this;
    }

    /**
     * Sets how many epochs without improvement stop training (default 0).
     *
     * @param patience ≥ 0
     * @return this callback
     * @throws IllegalArgumentException when negative
     */
    public EarlyStopping patience(int patience) {
        if (patience < 0) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, got " + patience);
        }
        this.patience = patience;
        return this;
    }

    /**
     * Sets the least change that counts as an improvement (default 0).
     *
     * @param minDelta ≥ 0
     * @return this callback
     * @throws IllegalArgumentException when negative
     */
    public EarlyStopping minDelta(double minDelta) {
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("EarlyStopping: minDelta must be >= 0, got " + minDelta);
        }
        this.minDelta = minDelta;
        return this;
    }

    /**
     * Sets whether the best epoch's parameters and buffers are kept and put back when stopping (default off).
     *
     * @param restore true to keep and restore them
     * @return this callback
     */
    public EarlyStopping restoreBestWeights(boolean restore) {
        this.restoreBestWeights = restore;
        return this;
    }

    /**
     * Ends an epoch with the monitored metric. Returns true when the metric has not improved for
     * {@code patience} epochs (restoring the best weights into {@code model} when asked to).
     *
     * @param metric this epoch's value of the monitored metric
     * @param model  the model trained (copied at each improvement when restoring is on)
     * @return true when training should stop
     */
    public boolean update(double metric, Module model) {
        int current = epoch++;
        if (mode.improves(metric, best, minDelta)) {
            best = metric;
            bestEpoch = current;
            wait = 0;
            if (restoreBestWeights) {
                bestState = model.stateDictCopy();
            }
            return false;
        }
        wait++;
        if (wait >= patience && current > 0) {
            stopped = true;
            if (restoreBestWeights) {
                restoreBest(model);
            }
            return true;
        }
        return false;
    }

    /**
     * Loads the best state seen into {@code model}; false when there is none (no snapshot taken).
     *
     * @param model the model to load the best state into
     * @return false when there is none (no snapshot taken)
     */
    public boolean restoreBest(Module model) {
        if (bestState == null) {
            return false;
        }
        model.loadStateDict(bestState, true);
        return true;
    }

    /** {@return whether {@link #update} has returned true} */
    public boolean stopped() {
        return stopped;
    }

    /** {@return the best metric (NaN before any finite value)} */
    public double best() {
        return best;
    }

    /** {@return the epoch (0-based) of the best metric, or −1} */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** {@return epochs since the last improvement} */
    public int epochsWithoutImprovement() {
        return wait;
    }
}
