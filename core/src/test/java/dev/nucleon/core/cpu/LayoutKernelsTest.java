package dev.nucleon.core.cpu;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link LayoutKernels#copyRegion} against an element-by-element loop over the box, on the boxes whose trailing axes
 * the kernel joins into one row (a channel slice of (N, C, H, W), a whole tensor) and on those it cannot (a box
 * partial in its last axis, or partial in H with W whole), copying and accumulating, large enough to run on
 * several threads.
 */
class LayoutKernelsTest {

    @Test
    void copyRegionMatchesTheElementLoop() {
        int[][][] cases = { // srcShape, dstShape, srcStart, dstStart, region
                {{4, 12, 16, 40}, {4, 5, 16, 40}, {0, 3, 0, 0}, {0, 0, 0, 0}, {4, 5, 16, 40}}, // channel slice (split)
                {{4, 5, 16, 40}, {4, 12, 16, 40}, {0, 0, 0, 0}, {0, 7, 0, 0}, {4, 5, 16, 40}}, // into a concat
                {{3, 6, 20, 30}, {3, 6, 20, 30}, {0, 0, 0, 0}, {0, 0, 0, 0}, {3, 6, 20, 30}},  // whole tensor
                {{3, 6, 20, 30}, {2, 4, 18, 33}, {1, 1, 2, 3}, {0, 1, 0, 1}, {2, 3, 17, 25}},  // partial everywhere
                {{2, 8, 40, 64}, {2, 8, 30, 64}, {0, 0, 5, 0}, {0, 0, 0, 0}, {2, 8, 30, 64}},  // H cropped, W whole
                {{5, 70, 90}, {5, 70, 90}, {0, 0, 0}, {0, 0, 0}, {5, 70, 90}}};                 // rank 3, whole
        Random random = new Random(9);
        for (int[][] c : cases) {
            float[] src = new float[Arrays.stream(c[0]).reduce(1, (a, b) -> a * b)];
            float[] dst0 = new float[Arrays.stream(c[1]).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < src.length; i++) {
                src[i] = random.nextFloat() - 0.5f;
            }
            for (int i = 0; i < dst0.length; i++) {
                dst0[i] = random.nextFloat() - 0.5f;
            }
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] got = dst0.clone();
                float[] expected = dst0.clone();
                LayoutKernels.copyRegion(src, c[0], c[2], got, c[1], c[3], c[4], accumulate);
                int[] region = c[4];
                int rank = region.length;
                int count = Arrays.stream(region).reduce(1, (a, b) -> a * b);
                for (int e = 0; e < count; e++) {
                    int rest = e;
                    int s = 0;
                    int d = 0;
                    int sStride = 1;
                    int dStride = 1;
                    for (int ax = rank - 1; ax >= 0; ax--) {
                        int i = rest % region[ax];
                        rest /= region[ax];
                        s += (c[2][ax] + i) * sStride;
                        d += (c[3][ax] + i) * dStride;
                        sStride *= c[0][ax];
                        dStride *= c[1][ax];
                    }
                    expected[d] = accumulate ? expected[d] + src[s] : src[s];
                }
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]),
                            Arrays.deepToString(c) + (accumulate ? " accumulate" : " copy") + " at " + i);
                }
            }
        }
    }
}
