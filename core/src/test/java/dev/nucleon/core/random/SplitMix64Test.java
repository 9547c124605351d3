package dev.nucleon.core.random;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitMix64Test {

    @Test
    void isTheJdksSplitMix64() {
        for (long seed : new long[] {0L, 1L, 42L, -7L, Long.MIN_VALUE, 0x123456789ABCDEFL}) {
            SplittableRandom jdk = new SplittableRandom(seed);
            long state = seed;
            for (int i = 0; i < 5; i++) {
                state += SplitMix64.GOLDEN_GAMMA;
                assertEquals(jdk.nextLong(), SplitMix64.mix(state), "seed " + seed + ", draw " + i);
            }
        }
    }

    @Test
    void zeroIsAFixedPointAndNeighboursSpreadApart() {
        assertEquals(0L, SplitMix64.mix(0L));
        int flipped = Long.bitCount(SplitMix64.mix(1L) ^ SplitMix64.mix(2L));
        assertEquals(32, flipped, 12, "about half the bits differ between mix(1) and mix(2): " + flipped);
    }
}
