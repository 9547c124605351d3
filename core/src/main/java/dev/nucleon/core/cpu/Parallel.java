package dev.nucleon.core.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU backend's thread pool. Work is split into at most {@link #threads()} contiguous ranges; the
 * calling thread runs the first range itself. Calls made from inside a worker run inline, so kernels may
 * nest without deadlock or oversubscription.
 *
 * <p>Thread count: {@code -Dnucleon.threads=N}, default all available processors.
 */
public final class Parallel {

    /** Body of a parallel loop over the half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static final int THREADS = configuredThreads();
    private static final AtomicInteger WORKER_IDS = new AtomicInteger();
    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);
    private static final ExecutorService POOL = THREADS > 1 ? Executors.newFixedThreadPool(THREADS - 1, r -> {
        Thread t = new Thread(() -> {
            IN_WORKER.set(true);
            r.run();
        }, "nucleon-cpu-" + WORKER_IDS.incrementAndGet());
        t.setDaemon(true);
        return t;
    }) : null;

    private Parallel() {
    }

    /** Threads the CPU backend uses. */
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
     * Runs {@code body} over {@code [0, n)} split into at most {@code threads()} chunks of at least
     * {@code minChunk} indices each, and waits for all of them.
     */
    public static void range(int n, int minChunk, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.min(THREADS, Math.max(1, n / Math.max(1, minChunk)));
        if (chunks <= 1 || IN_WORKER.get()) {
            body.run(0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            futures.add(POOL.submit(() -> body.run(from, to)));
        }
        boolean wasWorker = IN_WORKER.get();
        IN_WORKER.set(true);
        try {
            body.run(0, (int) ((long) n / chunks));
        } finally {
            IN_WORKER.set(wasWorker);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for CPU workers", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            }
        }
    }
}
