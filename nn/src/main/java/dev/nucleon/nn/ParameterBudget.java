package dev.nucleon.nn;

import java.util.function.Supplier;

/**
 * A cap, on the current thread, on how many parameter and buffer values the networks built inside
 * {@link #limit} may allocate. Loading a checkpoint builds the network its configuration describes before the
 * weights are compared with it; a configuration that disagrees with the file ({@code base=4096} in a 2 MB file)
 * would otherwise allocate gigabytes first. {@link Parameter} and {@link Buffer} charge their element count
 * <em>before</em> allocating, so a build that would exceed the cap stops with {@link Exceeded} having allocated
 * at most the cap. Outside {@link #limit} nothing is counted.
 */
public final class ParameterBudget {

    /** {cap, used} of the innermost {@link #limit} on this thread, or null. */
    private static final ThreadLocal<long[]> CURRENT = new ThreadLocal<>();

    private ParameterBudget() {
    }

    /**
     * Runs {@code body} (typically a network build) allowing at most {@code maxValues} parameter and buffer values
     * to be created.
     *
     * @param <T>       the body's result type
     * @param maxValues the most values allowed, ≥ 0
     * @param body      the work, typically a network build
     * @throws Exceeded as soon as one more parameter or buffer would pass the cap, before it is allocated
     * @return what {@code body} returned
     */
    public static <T> T limit(long maxValues, Supplier<T> body) {
        long[] previous = CURRENT.get();
        CURRENT.set(new long[] {maxValues, 0});
        try {
            return body.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** Counts a tensor of {@code shape} about to be allocated; throws if it would pass the cap. */
    static void charge(int[] shape) {
        long[] b = CURRENT.get();
        if (b == null) {
            return;
        }
        long n = 1;
        for (int d : shape) {
            n = d <= 0 ? 0 : (n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d);
        }
        long used = b[1] + n < 0 ? Long.MAX_VALUE : b[1] + n;
        if (used > b[0]) {
            throw new Exceeded(b[0], used);
        }
        b[1] = used;
    }

    /** A build asked for more values than its {@link #limit} allows. */
    public static final class Exceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long cap;
        private final long reached;

        Exceeded(long cap, long reached) {
            super("network build stopped at " + reached + " parameter and buffer values, over its budget of " + cap);
            this.cap = cap;
            this.reached = reached;
        }

        /** {@return the cap} */
        public long cap() {
            return cap;
        }

        /** {@return the values the network had asked for when it was stopped (a lower bound on its size)} */
        public long reached() {
            return reached;
        }
    }
}
