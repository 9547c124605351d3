package dev.nucleon.core.cpu;

import dev.nucleon.core.backend.PoolGeometry;
import dev.nucleon.core.backend.UpsampleMode;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fast paths of {@link PoolingKernels} against the general code: 2×2 stride-2 max pooling against the
 * per-window {@code argMax} loop (bit for bit, including NaN, −0 vs +0 and −∞ ties, odd sizes that drop the
 * last row and column), and nearest up-sampling against its definition.
 */
class PoolingKernelsTest {

    private static final float[] SPECIALS = {Float.NaN, -0f, 0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 1f};

    @Test
    void maxPool2x2MatchesTheGeneralLoopBitForBit() {
        Random random = new Random(5);
        int[][] shapes = {{1, 1, 2, 2}, {2, 3, 5, 7}, {1, 16, 64, 64}, {3, 2, 9, 4}, {1, 1, 3, 3}, {1, 2, 130, 66}};
        for (int[] s : shapes) {
            float[] x = new float[s[0] * s[1] * s[2] * s[3]];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextInt(4) == 0 ? SPECIALS[random.nextInt(SPECIALS.length)] : random.nextInt(5) - 2;
            }
            PoolGeometry g = PoolGeometry.of(s, 2, 2, 0, true);
            int size = g.n() * g.channels() * g.outHeight() * g.outWidth();
            float[] fast = new float[size];
            float[] general = new float[size];
            PoolingKernels.maxPool(g, x, fast);
            PoolingKernels.maxPoolGeneral(g, x, general);
            for (int i = 0; i < size; i++) {
                assertEquals(Float.floatToRawIntBits(general[i]), Float.floatToRawIntBits(fast[i]),
                        java.util.Arrays.toString(s) + " entry " + i + ": " + fast[i] + " vs " + general[i]);
            }
        }
    }

    @Test
    void maxPool2x2BackwardMatchesTheGeneralLoopBitForBit() {
        Random random = new Random(7);
        int[][] shapes = {{1, 1, 2, 2}, {2, 3, 5, 7}, {1, 16, 64, 64}, {3, 2, 9, 4}, {1, 1, 3, 3}, {4, 8, 130, 67}};
        for (int[] s : shapes) {
            float[] x = new float[s[0] * s[1] * s[2] * s[3]];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextInt(4) == 0 ? SPECIALS[random.nextInt(SPECIALS.length)] : random.nextInt(5) - 2;
            }
            PoolGeometry g = PoolGeometry.of(s, 2, 2, 0, true);
            float[] gy = new float[g.n() * g.channels() * g.outHeight() * g.outWidth()];
            for (int i = 0; i < gy.length; i++) {
                gy[i] = random.nextInt(8) == 0 ? -0f : random.nextFloat() - 0.5f;
            }
            float[] fast = new float[x.length];
            float[] general = new float[x.length];
            java.util.Arrays.fill(fast, Float.NaN); // every element must be written
            PoolingKernels.maxPoolBackward(g, x, gy, fast);
            PoolingKernels.maxPoolBackwardGeneral(g, x, gy, general);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToRawIntBits(general[i]), Float.floatToRawIntBits(fast[i]),
                        java.util.Arrays.toString(s) + " entry " + i + ": " + fast[i] + " vs " + general[i]);
            }
        }
    }

    @Test
    void nearestUpsamplingRepeatsEachPixel() {
        Random random = new Random(6);
        int[][] shapes = {{1, 1, 1, 1}, {2, 3, 5, 7}, {1, 4, 16, 16}};
        for (int[] s : shapes) {
            for (int f : new int[] {1, 2, 3}) {
                int n = s[0], c = s[1], h = s[2], w = s[3];
                float[] small = new float[n * c * h * w];
                for (int i = 0; i < small.length; i++) {
                    small[i] = random.nextFloat();
                }
                float[] big = new float[small.length * f * f];
                java.util.Arrays.fill(big, Float.NaN);
                PoolingKernels.upsample(UpsampleMode.NEAREST, n, c, h, w, f, small, big, false);
                for (int p = 0; p < n * c; p++) {
                    for (int i = 0; i < h * f; i++) {
                        for (int j = 0; j < w * f; j++) {
                            assertEquals(small[(p * h + i / f) * w + j / f], big[(p * h * f + i) * w * f + j],
                                    java.util.Arrays.toString(s) + " ×" + f + " at " + p + "," + i + "," + j);
                        }
                    }
                }
            }
        }
    }
}
