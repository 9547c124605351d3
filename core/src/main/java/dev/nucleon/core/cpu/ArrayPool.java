package dev.nucleon.core.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Float arrays handed back through {@link CpuBackend#release}, kept by exact length for the next allocation of
 * that length (last in, first out: the most recently written array is the one most likely still in cache).
 *
 * <p>Why: an inference pass allocates the same activation sizes on every call, tens of MiB of them for a
 * U-Net on a 256 × 256 patch. A fresh {@code new float[n]} makes the JVM zero memory that is cold (arrays over
 * half a G1 region are humongous, allocated outside the young generation), and the kernel then writes it again;
 * a reused array skips both. Exact lengths only: a tensor's storage size is its array's length.
 *
 * <p>Bounded: arrays beyond {@link #capacityFloats} held in all are dropped for the garbage collector, as are
 * arrays under {@link #MIN_FLOATS} (thread-local allocation makes those almost free). Thread-safe.
 */
public final class ArrayPool {

    /** Smallest array worth keeping: 16 KiB. */
    static final int MIN_FLOATS = 1 << 12;

    private final long capacityFloats;
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private long heldFloats;

    ArrayPool(long capacityFloats) {
        this.capacityFloats = capacityFloats;
    }

    /** The CPU backend's pool, which kernels also use for their large temporaries. */
    public static final ArrayPool SHARED = forHeap();

    /** A pool holding at most an eighth of the maximum heap, and at most 512 MiB. */
    static ArrayPool forHeap() {
        long bytes = Math.min(Runtime.getRuntime().maxMemory() / 8, 512L << 20);
        return new ArrayPool(bytes / Float.BYTES);
    }

    /**
     * {@return a kept array of exactly {@code length} floats (stale contents), or a new one}
     *
     * @param length the floats needed
     */
    public float[] takeOrNew(int length) {
        float[] a = take(length);
        return a != null ? a : new float[length];
    }

    /** A kept array of exactly {@code length} floats with stale contents, or null when none is kept. */
    synchronized float[] take(int length) {
        ArrayDeque<float[]> arrays = free.get(length);
        float[] a = arrays == null ? null : arrays.pollLast();
        if (a != null) {
            heldFloats -= length;
        }
        return a;
    }

    /**
     * Keeps {@code a} for a later {@link #take} if it is large enough and fits under the capacity.
     *
     * @param a an array no one reads or writes any more
     */
    public synchronized void give(float[] a) {
        if (a.length < MIN_FLOATS || heldFloats + a.length > capacityFloats) {
            return;
        }
        free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addLast(a);
        heldFloats += a.length;
    }

    /** Floats held now, for tests and diagnostics. */
    synchronized long heldFloats() {
        return heldFloats;
    }

    /** Drops every kept array. */
    synchronized void clear() {
        free.clear();
        heldFloats = 0;
    }
}
