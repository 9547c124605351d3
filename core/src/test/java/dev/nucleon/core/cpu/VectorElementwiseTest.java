package dev.nucleon.core.cpu;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The vector sigmoid and ELU: within a few ulp of the scalar forms, special values kept, the same bits cold and compiled. */
class VectorElementwiseTest {

    @Test
    void sigmoidMatchesTheScalarFormAndDoesNotDependOnTheJitTier() {
        assumeTrue(VectorSupport.isAvailable(), "Vector API not available in this JVM");
        float[] x = new float[1 << 16];
        Random r = new Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = i < 2000 ? (i - 1000) * 0.1f : (float) (r.nextGaussian() * 20);
        }
        x[0] = Float.NaN;
        x[1] = Float.POSITIVE_INFINITY;
        x[2] = Float.NEGATIVE_INFINITY;
        x[3] = -0f;
        float[] cold = new float[x.length];
        VectorElementwise.sigmoid(x, cold, 0, x.length); // the first call runs interpreted
        for (int k = 0; k < 2000; k++) {
            VectorElementwise.sigmoid(x, new float[x.length], 0, 4096);
        }
        float[] warm = new float[x.length];
        VectorElementwise.sigmoid(x, warm, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToIntBits(cold[i]), Float.floatToIntBits(warm[i]), "x = " + x[i] + ": cold vs compiled");
            float want = Elementwise.sigmoid(x[i]);
            if (Float.isNaN(want)) {
                assertTrue(Float.isNaN(warm[i]), "sigmoid(NaN)");
            } else if (want >= Float.MIN_NORMAL) {
                assertTrue(Math.abs(want - warm[i]) <= 2 * Math.ulp(want), "x = " + x[i] + ": " + warm[i] + " vs " + want);
            } else { // a subnormal: at worst 1 / (1 + e^88) ≈ 6e−39 instead
                assertTrue(Math.abs(want - warm[i]) < 1e-38f, "x = " + x[i] + ": " + warm[i] + " vs " + want);
            }
        }
        assertEquals(1f, warm[1]);
        assertEquals(0.5f, warm[3]);
    }

    @Test
    void eluMatchesTheScalarFormAndDoesNotDependOnTheJitTier() {
        assumeTrue(VectorSupport.isAvailable(), "Vector API not available in this JVM");
        float[] x = new float[1 << 16];
        Random r = new Random(4);
        for (int i = 0; i < x.length; i++) {
            x[i] = i < 4000 ? (i - 3000) * 0.03f : i < 6000 ? (i - 5000) * 1e-6f : (float) (r.nextGaussian() * 10);
        }
        x[0] = Float.NaN;
        x[1] = Float.NEGATIVE_INFINITY;
        x[2] = Float.POSITIVE_INFINITY;
        float alpha = 1.3f;
        float[] cold = new float[x.length];
        VectorElementwise.elu(alpha, x, cold, 0, x.length);
        for (int k = 0; k < 2000; k++) {
            VectorElementwise.elu(alpha, x, new float[x.length], 0, 4096);
        }
        float[] warm = new float[x.length];
        VectorElementwise.elu(alpha, x, warm, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToIntBits(cold[i]), Float.floatToIntBits(warm[i]), "x = " + x[i] + ": cold vs compiled");
            float want = x[i] > 0 ? x[i] : (float) (alpha * Math.expm1(x[i]));
            if (Float.isNaN(want)) {
                assertTrue(Float.isNaN(warm[i]), "elu(NaN)");
            } else {
                assertTrue(want == warm[i] || Math.abs(want - warm[i]) <= 3 * Math.ulp(want),
                        "x = " + x[i] + ": " + warm[i] + " vs " + want);
            }
        }
        assertEquals(-alpha, warm[1]);
    }
}
