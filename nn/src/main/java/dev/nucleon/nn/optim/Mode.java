package dev.nucleon.nn.optim;

/** Whether a monitored metric improves by going down (a loss) or up (an accuracy, an IoU). */
public enum Mode {
    /** Lower is better: a loss. */
    MIN,
    /** Higher is better: an accuracy, an IoU. */
    MAX;

    /**
     * Keras's test: {@code current} improves on {@code best} when it is better by more than {@code minDelta}
     * ({@code current < best − minDelta} for MIN). Any finite value improves on a NaN/unset best.
     */
    boolean improves(double current, double best, double minDelta) {
        if (Double.isNaN(current)) {
            return false;
        }
        if (Double.isNaN(best)) {
            return true;
        }
        return this == MIN ? current < best - minDelta : current > best + minDelta;
    }
}
