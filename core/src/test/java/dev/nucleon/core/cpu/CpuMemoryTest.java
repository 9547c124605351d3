package dev.nucleon.core.cpu;

import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Released storage: reuse by exact length, zeros where promised, loud failure on use after release. */
class CpuMemoryTest {

    private static final CpuBackend CPU = CpuBackend.INSTANCE;
    private static final int BIG = ArrayPool.MIN_FLOATS * 2;

    @AfterEach
    void emptyThePool() {
        CPU.trimPool();
    }

    @Test
    void releasedArrayIsReusedForTheSameLengthOnly() {
        CPU.trimPool();
        CpuStorage a = (CpuStorage) CPU.allocate(BIG);
        float[] array = a.data();
        CPU.release(a);
        assertEquals(BIG, CPU.pooledFloats());
        assertNotSame(array, ((CpuStorage) CPU.allocate(BIG + 1)).data(), "another length gets a new array");
        assertSame(array, ((CpuStorage) CPU.allocateUninitialized(BIG)).data(), "the same length reuses it");
        assertEquals(0, CPU.pooledFloats());
    }

    @Test
    void allocateFromThePoolIsStillZeroFilled() {
        CPU.trimPool();
        Tensor t = Tensor.full(3f, BIG);
        t.release();
        float[] got = Tensor.zeros(CPU, BIG).toArray();
        assertArrayEquals(new float[BIG], got);
    }

    @Test
    void useAfterReleaseFailsNamingTheCause() {
        Tensor t = Tensor.full(1f, 4, BIG / 4);
        Tensor view = t.reshape(BIG);
        t.release();
        IllegalStateException e = assertThrows(IllegalStateException.class, view::toArray);
        assertTrue(e.getMessage().contains("after its storage was released"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> t.add(t));
        t.release(); // a second release is harmless
        assertEquals(BIG, t.storage().size(), "the size stays readable");
    }

    @Test
    void smallArraysAndOverflowAreLeftToTheCollector() {
        ArrayPool pool = new ArrayPool(3L * BIG);
        pool.give(new float[ArrayPool.MIN_FLOATS - 1]);
        assertEquals(0, pool.heldFloats());
        pool.give(new float[BIG]);
        pool.give(new float[BIG]);
        pool.give(new float[BIG]);
        pool.give(new float[BIG]);
        assertEquals(3L * BIG, pool.heldFloats(), "capped at its capacity");
        float[] last = new float[BIG / 2];
        assertEquals(null, pool.take(BIG / 2));
        pool.clear();
        pool.give(last);
        assertSame(last, pool.take(BIG / 2));
    }

    @Test
    void autogradTensorsCannotBeReleased() {
        Tensor w = Tensor.ones(BIG).requiresGrad(true);
        assertThrows(IllegalStateException.class, w::release);
        Tensor y = w.mul(w);
        assertThrows(IllegalStateException.class, y::release);
    }

    /** The build sets {@value CpuBackend#POISON_PROPERTY} for tests, so every op's unwritten output would be NaN. */
    @Test
    void uninitialisedStorageIsPoisonedInTests() {
        assumeTrue(Boolean.getBoolean(CpuBackend.POISON_PROPERTY), "run outside the build (property not set)");
        Storage s = CPU.allocateUninitialized(16);
        float[] got = new float[16];
        CPU.download(s, 0, got, 0, 16);
        for (float v : got) {
            assertTrue(Float.isNaN(v));
        }
    }
}
