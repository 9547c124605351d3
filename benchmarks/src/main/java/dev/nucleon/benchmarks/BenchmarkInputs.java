package dev.nucleon.benchmarks;

import java.util.SplittableRandom;

/** The seeded inputs and targets every network benchmark (Nucleon's and the peers') feeds its networks. */
public final class BenchmarkInputs {

    /** Seed of the network weights. */
    public static final long WEIGHT_SEED = 42;
    /** Seed of the input patches. */
    public static final long INPUT_SEED = 7;
    /** Seed of the training targets. */
    public static final long TARGET_SEED = 11;

    private BenchmarkInputs() {
    }

    /** {@code n} values uniform in [0, 1) from {@code seed}. */
    public static float[] uniform(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble();
        }
        return v;
    }

    /** {@code n} values, 1 with probability 0.3 else 0: a binary segmentation target. */
    public static float[] binaryTarget(long seed, int n) {
        float[] v = uniform(seed, n);
        for (int i = 0; i < n; i++) {
            v[i] = v[i] < 0.3f ? 1f : 0f;
        }
        return v;
    }
}
