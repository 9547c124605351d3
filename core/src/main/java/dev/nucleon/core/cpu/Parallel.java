package dev.nucleon.core.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The CPU backend's thread team: {@link #threads()} − 1 daemon workers plus the calling thread.
 *
 * <h2>Scheduling</h2>
 * A loop over {@code [0, n)} is cut into up to {@link #PIECES_PER_THREAD} pieces per thread, and every thread,
 * the caller included, claims the next unclaimed piece from a shared counter until none is left. A thread that
 * is slower, because its core is shared with another process or its pieces cost more, simply claims fewer:
 * with a static split into one range per thread the whole loop would wait for the slowest range.
 *
 * <p>Between loops a worker spins for {@link #SPIN_NANOS} before it parks, so the next loop of a forward pass
 * (one every few hundred microseconds) finds it awake instead of paying a thread wake-up.
 *
 * <p>Calls made from inside a piece run inline, so kernels may nest without deadlock or oversubscription;
 * a call made while another thread's loop holds the team also runs inline, on its own thread.
 *
 * <p>Thread count: {@code -Dnucleon.threads=N}, default all available processors.
 */
public final class Parallel {

    /** Body of a parallel loop over the half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        /**
         * Runs the loop body over one piece of the range.
         *
         * @param from the first index
         * @param to   one past the last index
         */
        void run(int from, int to);
    }

    /** Pieces a loop is cut into per thread, at most: enough to rebalance, few enough to keep per-piece setup cheap. */
    static final int PIECES_PER_THREAD = 4;
    /** How long an idle worker spins before parking. */
    static final long SPIN_NANOS = 200_000;

    private static final int THREADS = configuredThreads();
    private static final ThreadLocal<Boolean> IN_PIECE = ThreadLocal.withInitial(() -> false);
    private static final ReentrantLock TEAM = new ReentrantLock();
    private static final AtomicReference<Loop> CURRENT = new AtomicReference<>();
    private static final Thread[] WORKERS = startWorkers();

    private Parallel() {
    }

    /** {@return the threads the CPU backend uses: {@code -Dnucleon.threads}, else the available processors} */
    public static int threads() {
        return THREADS;
    }

    private static int configuredThreads() {
        String property = System.getProperty("nucleon.threads");
        int available = Runtime.getRuntime().availableProcessors();
        if (property == null || property.isBlank()) {
            return available;
        }
        try {
            int n = Integer.parseInt(property.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dnucleon.threads must be a positive integer, got '" + property + "'");
        }
    }

    /**
     * Runs {@code body} over {@code [0, n)} cut into pieces of at least {@code minChunk} indices (at most
     * {@link #PIECES_PER_THREAD} per thread), shared out dynamically among the threads, and waits for all of them.
     * {@code body} may be called several times on one thread, with disjoint ranges.
     *
     * @param n        the range's length; nothing runs when n ≤ 0
     * @param minChunk the fewest indices per piece (≥ 1 in effect), so that small loops stay on one thread
     * @param body     the loop body, called concurrently on disjoint ranges
     */
    public static void range(int n, int minChunk, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int pieces = (int) Math.min((long) THREADS * PIECES_PER_THREAD, Math.max(1, n / Math.max(1, minChunk)));
        if (pieces <= 1 || THREADS == 1 || IN_PIECE.get() || !TEAM.tryLock()) {
            body.run(0, n);
            return;
        }
        try {
            Loop loop = new Loop(n, pieces, body);
            CURRENT.set(loop);
            for (Thread w : WORKERS) {
                LockSupport.unpark(w);
            }
            loop.work();
            loop.awaitAll();
            CURRENT.set(null);
            loop.rethrow();
        } finally {
            TEAM.unlock();
        }
    }

    /** One parallel loop: the next piece to claim, how many are finished, the first failure. */
    private static final class Loop {
        private static final AtomicLong IDS = new AtomicLong();
        final long id = IDS.incrementAndGet();
        final int n;
        final int pieces;
        final RangeBody body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Loop(int n, int pieces, RangeBody body) {
            this.n = n;
            this.pieces = pieces;
            this.body = body;
        }

        /** Claims and runs pieces until none is left. */
        void work() {
            boolean outer = IN_PIECE.get();
            IN_PIECE.set(true);
            try {
                for (int p = next.getAndIncrement(); p < pieces; p = next.getAndIncrement()) {
                    try {
                        if (failure.get() == null) {
                            body.run((int) ((long) n * p / pieces), (int) ((long) n * (p + 1) / pieces));
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    } finally {
                        finished.incrementAndGet();
                    }
                }
            } finally {
                IN_PIECE.set(outer);
            }
        }

        /** Waits for pieces other threads are still running (spinning, then yielding). */
        void awaitAll() {
            for (int spins = 0; finished.get() < pieces; spins++) {
                if (spins < 10_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }

        void rethrow() {
            Throwable t = failure.get();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    private static Thread[] startWorkers() {
        Thread[] workers = new Thread[THREADS - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Thread(Parallel::workerLoop, "nucleon-cpu-" + (i + 1));
            workers[i].setDaemon(true);
            workers[i].start();
        }
        return workers;
    }

    private static void workerLoop() {
        long done = 0;   // the last loop worked on, by id (holding the loop would keep its arrays reachable)
        long idleSince = System.nanoTime();
        while (true) {
            Loop loop = CURRENT.get();
            if (loop != null && loop.id != done) {
                loop.work();
                done = loop.id;
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(Parallel.class);
                idleSince = System.nanoTime();
            }
        }
    }
}
