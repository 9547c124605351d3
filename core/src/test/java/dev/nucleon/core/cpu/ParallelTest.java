package dev.nucleon.core.cpu;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The thread team's contract: every index exactly once, chunk sizes respected, failures rethrown, nesting inline. */
class ParallelTest {

    @Test
    void everyIndexRunsExactlyOnceInChunksOfAtLeastMinChunk() {
        for (int n : new int[] {1, 2, 3, 7, 64, 1000, 100_003}) {
            for (int minChunk : new int[] {1, 5, 1000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                AtomicLong calls = new AtomicLong();
                Parallel.range(n, minChunk, (from, to) -> {
                    calls.incrementAndGet();
                    assertTrue(to - from >= Math.min(n, minChunk), "chunk [" + from + ", " + to + ") under " + minChunk);
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "n=" + n + " index " + i);
                }
                assertTrue(calls.get() <= (long) Parallel.threads() * Parallel.PIECES_PER_THREAD);
            }
        }
    }

    @Test
    void aFailingPieceIsRethrownAfterTheOthersFinish() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                Parallel.range(1000, 1, (from, to) -> {
                    if (from == 0) {
                        throw boom;
                    }
                }));
        assertSame(boom, e);
        // the team is usable afterwards
        AtomicLong sum = new AtomicLong();
        Parallel.range(1000, 1, (from, to) -> sum.addAndGet(to - from));
        assertEquals(1000, sum.get());
    }

    @Test
    void nestedAndConcurrentCallsRunInline() throws Exception {
        AtomicLong inner = new AtomicLong();
        Parallel.range(8, 1, (from, to) -> { // one chunk per thread: with one thread, a single chunk of 8
            for (int i = from; i < to; i++) {
                Parallel.range(100, 1, (a, b) -> inner.addAndGet(b - a));
            }
        });
        assertEquals(800, inner.get());

        // several threads at once: one holds the team, the others run their loops on their own thread
        List<Thread> callers = new ArrayList<>();
        ConcurrentHashMap<Integer, Long> sums = new ConcurrentHashMap<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            callers.add(new Thread(() -> {
                for (int round = 0; round < 200; round++) {
                    AtomicLong sum = new AtomicLong();
                    Parallel.range(5000, 10, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            sum.addAndGet(i);
                        }
                    });
                    sums.merge(id, sum.get(), Long::sum);
                }
            }));
        }
        callers.forEach(Thread::start);
        for (Thread c : callers) {
            c.join();
        }
        for (int t = 0; t < 4; t++) {
            assertEquals(200L * 4999 * 5000 / 2, sums.get(t));
        }
    }
}
