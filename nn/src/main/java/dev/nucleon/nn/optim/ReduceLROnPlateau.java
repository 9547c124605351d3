package dev.nucleon.nn.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multiplies the learning rate by {@code factor} when a monitored metric stops improving — Keras's
 * {@code ReduceLROnPlateau} (paper 003: ×0.1 after 5 epochs without improvement). Call
 * {@link #step(double)} once per epoch with the metric.
 *
 * <p>Rules, per call:
 * <ol>
 *   <li>during a cooldown the counter of bad epochs stays 0 (the cooldown counts down first, so its last
 *       epoch can already count as bad);</li>
 *   <li>an improvement ({@link Mode#MIN}: {@code metric < best − δ}) records the new best and resets the
 *       counter; otherwise, outside a cooldown, the counter grows;</li>
 *   <li>when the counter reaches {@code patience} — the patience-th consecutive epoch without improvement —
 *       {@code lr ← max(lr·factor, minLr)}, the counter resets and a cooldown of {@code cooldown} epochs
 *       starts — unless lr is already at minLr.</li>
 * </ol>
 * δ is {@code minDelta} in {@link ThresholdMode#ABS} (Keras, the default) or {@code minDelta·|best|} in
 * {@link ThresholdMode#REL} (PyTorch's default, threshold 1e-4). PyTorch reduces one epoch later than this
 * (when the counter exceeds the patience); use {@code patience + 1} to match it.
 *
 * <p>Defaults (Keras): mode MIN, factor 0.1, patience 10, minDelta 1e-4 absolute, cooldown 0, minLr 0.
 */
public final class ReduceLROnPlateau {

    /** How {@code minDelta} is measured. */
    public enum ThresholdMode {
        /** δ = minDelta. */
        ABS,
        /** δ = minDelta·|best|. */
        REL
    }

    private final Optimizer optimizer;
    private Mode mode = Mode.MIN;
    private double factor = 0.1;
    private int patience = 10;
    private double minDelta = 1e-4;
    private ThresholdMode thresholdMode = ThresholdMode.ABS;
    private int cooldown;
    private double minLr;

    private double best = Double.NaN;
    private int wait;
    private int cooldownCounter;
    private int reductions;

    /**
     * A scheduler with Keras's defaults.
     *
     * @param optimizer the optimiser whose learning rate is reduced
     */
    public ReduceLROnPlateau(Optimizer optimizer) {
        this.optimizer = optimizer;
    }

    /**
     * Sets whether the metric should fall ({@link Mode#MIN}, the default: a loss) or rise ({@link Mode#MAX}).
     *
     * @param mode the direction of improvement
     * @return this scheduler
     */
    public ReduceLROnPlateau mode(Mode mode) {
        this.mode = mode;
        return this;
    }

    /**
     * Sets the factor the learning rate is multiplied by (default 0.1).
     *
     * @param factor in (0, 1)
     * @return this scheduler
     * @throws IllegalArgumentException when out of range
     */
    public ReduceLROnPlateau factor(double factor) {
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: factor must be in (0, 1), got " + factor);
        }
        this.factor = factor;
        return this;
    }

    /**
     * Sets how many epochs without improvement trigger a reduction (default 10).
     *
     * @param patience ≥ 0
     * @return this scheduler
     * @throws IllegalArgumentException when negative
     */
    public ReduceLROnPlateau patience(int patience) {
        if (patience < 0) {
            throw new IllegalArgumentException("ReduceLROnPlateau: patience must be >= 0, got " + patience);
        }
        this.patience = patience;
        return this;
    }

    /**
     * Sets the least change that counts as an improvement, absolute (default 1e-4).
     *
     * @param minDelta ≥ 0
     * @return this scheduler
     * @throws IllegalArgumentException when negative
     */
    public ReduceLROnPlateau minDelta(double minDelta) {
        return minDelta(minDelta, ThresholdMode.ABS);
    }

    /**
     * Sets the least change that counts as an improvement, absolute or relative to the best value.
     *
     * @param minDelta      ≥ 0
     * @param thresholdMode how {@code minDelta} is measured
     * @return this scheduler
     * @throws IllegalArgumentException when {@code minDelta} is negative
     */
    public ReduceLROnPlateau minDelta(double minDelta, ThresholdMode thresholdMode) {
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: minDelta must be >= 0, got " + minDelta);
        }
        this.minDelta = minDelta;
        this.thresholdMode = thresholdMode;
        return this;
    }

    /**
     * Sets how many epochs after a reduction pass before bad epochs count again (default 0).
     *
     * @param cooldown ≥ 0
     * @return this scheduler
     * @throws IllegalArgumentException when negative
     */
    public ReduceLROnPlateau cooldown(int cooldown) {
        if (cooldown < 0) {
            throw new IllegalArgumentException("ReduceLROnPlateau: cooldown must be >= 0, got " + cooldown);
        }
        this.cooldown = cooldown;
        return this;
    }

    /**
     * Sets the floor of the learning rate (default 0).
     *
     * @param minLr ≥ 0
     * @return this scheduler
     * @throws IllegalArgumentException when negative
     */
    public ReduceLROnPlateau minLr(double minLr) {
        if (!(minLr >= 0)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: minLr must be >= 0, got " + minLr);
        }
        this.minLr = minLr;
        return this;
    }

    /**
     * Ends an epoch with the monitored metric, reducing the optimiser's learning rate by the rules above.
     *
     * @param metric this epoch's value of the monitored metric
     * @return true when the learning rate was reduced
     */
    public boolean step(double metric) {
        if (cooldownCounter > 0) {
            cooldownCounter--;
            wait = 0;
        }
        double delta = thresholdMode == ThresholdMode.ABS || Double.isNaN(best) ? minDelta : minDelta * Math.abs(best);
        if (mode.improves(metric, best, delta)) {
            best = metric;
            wait = 0;
            return false;
        }
        if (cooldownCounter > 0) { // still cooling down after this epoch (Keras tests after the decrement)
            return false;
        }
        wait++;
        if (wait >= patience) {
            double lr = optimizer.learningRate();
            if (lr > minLr) {
                optimizer.setLearningRate(Math.max(lr * factor, minLr));
                cooldownCounter = cooldown;
                wait = 0;
                reductions++;
                return true;
            }
        }
        return false;
    }

    /** {@return the best metric so far (NaN before the first step)} */
    public double best() {
        return best;
    }

    /** {@return consecutive epochs without improvement counted so far} */
    public int badEpochs() {
        return wait;
    }

    /** {@return how many times the rate was reduced} */
    public int reductions() {
        return reductions;
    }

    /** {@return the counters, as text, to save with a training checkpoint} */
    public Map<String, String> state() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("best", Double.toString(best));
        s.put("wait", Integer.toString(wait));
        s.put("cooldown_counter", Integer.toString(cooldownCounter));
        s.put("reductions", Integer.toString(reductions));
        return s;
    }

    /**
     * Restores {@link #state()}.
     *
     * @param s a map {@link #state()} returned (keys best, wait, cooldown_counter, reductions)
     */
    public void loadState(Map<String, String> s) {
        best = Double.parseDouble(s.get("best"));
        wait = Integer.parseInt(s.get("wait"));
        cooldownCounter = Integer.parseInt(s.get("cooldown_counter"));
        reductions = Integer.parseInt(s.get("reductions"));
    }
}
