package dev.nucleon.cuda;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.Device;
import dev.nucleon.core.backend.Storage;

import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs one {@link Backend} call on the CPU and on {@code cuda:0} with the same inputs and compares every
 * output element. Shared by the CUDA-vs-CPU tests of every kernel family (CudaVsCpuTest for the
 * memory-bound ones; a compute-family test may use it the same way). Only usable where
 * {@link RequiresCuda} lets the test run.
 */
final class CudaVsCpu {

    /** The one tolerance: every element must satisfy |cuda − cpu| ≤ TOLERANCE · max(1, |cpu|); NaN must meet NaN. */
    static final double TOLERANCE = 1e-5;

    /** A backend call: inputs already uploaded to {@code b}, outputs allocated there (zero-filled). */
    @FunctionalInterface
    interface Call {
        void run(Backend b, Storage[] in, Storage[] out);
    }

    final Backend cpu = Backends.cpu();
    final Backend cuda = CudaProvider.backend(new Device("cuda", 0));
    final SplittableRandom random;

    CudaVsCpu(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** n floats uniform in [lo, hi). */
    float[] uniform(long n, double lo, double hi) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble(lo, hi);
        }
        return v;
    }

    /** n floats from only {@code levels} distinct values in [−1, 1): ties on purpose (max pooling's first maximum). */
    float[] coarse(long n, int levels) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextInt(levels) * 2.0 / levels - 1);
        }
        return v;
    }

    /** Runs {@code call} on both backends and checks each output against the CPU's. */
    void check(String what, float[][] inputs, long[] outputSizes, Call call) {
        float[][] expected = run(cpu, inputs, outputSizes, call);
        float[][] got = run(cuda, inputs, outputSizes, call);
        for (int k = 0; k < outputSizes.length; k++) {
            compare(what + (outputSizes.length > 1 ? " output " + k : ""), expected[k], got[k]);
        }
    }

    /** One output. */
    void check(String what, float[][] inputs, long outputSize, Call call) {
        check(what, inputs, new long[] {outputSize}, call);
    }

    private static float[][] run(Backend b, float[][] inputs, long[] outputSizes, Call call) {
        Storage[] in = new Storage[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = b.upload(inputs[i], 0, inputs[i].length);
        }
        Storage[] out = new Storage[outputSizes.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = b.allocate(outputSizes[k]);
        }
        call.run(b, in, out);
        float[][] result = new float[out.length][];
        for (int k = 0; k < out.length; k++) {
            result[k] = new float[Math.toIntExact(outputSizes[k])];
            b.download(out[k], 0, result[k], 0, result[k].length);
        }
        return result;
    }

    static void compare(String what, float[] expected, float[] got) {
        assertEquals(expected.length, got.length, what + ": length");
        int worst = -1;
        double worstRatio = 0;
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float g = got[i];
            if (Float.isNaN(e) || Float.isNaN(g)) {
                if (Float.isNaN(e) != Float.isNaN(g)) {
                    fail(String.format(Locale.ROOT, "%s: element %d: cpu %s, cuda %s", what, i, e, g));
                }
                continue;
            }
            if (e == g) { // also equal infinities
                continue;
            }
            double ratio = Math.abs((double) g - e) / (TOLERANCE * Math.max(1, Math.abs(e)));
            if (!(ratio <= worstRatio)) {
                worstRatio = ratio;
                worst = i;
            }
        }
        if (!(worstRatio <= 1)) {
            fail(String.format(Locale.ROOT, "%s: element %d of %d: cpu %s, cuda %s (|diff| = %.3g × the tolerance)",
                    what, worst, expected.length, expected[worst], got[worst], worstRatio));
        }
    }
}
